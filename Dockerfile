# strata as a container image:  docker build -t strata .
#
# The build stage compiles strata on Debian 12, then scripts/build-image.sh --rootfs assembles the
# runtime root filesystem from that stage's installed packages: the binary, every file of the
# Debian packages that own the shared libraries it links (with their dpkg status, so scanners
# see them), base-files, ca-certificates and the CA bundle, /etc/passwd with the user strata
# (uid 10001). The runtime stage is that root filesystem alone: no shell, no package manager.
# `scripts/build-image.sh --oci DIR` builds the same image without an engine; keep the USER,
# ENV, WORKDIR and ENTRYPOINT lines below equal to its config (tests/golden/self_image.sh checks).
#
# `docker build --target ci -t strata:ci .` adds busybox (sh and the usual tools), for CI systems
# that run a job's script inside the image (GitLab CI: examples/ci/gitlab-ci.yml).
#
# With no arguments and SCANNER_ON_DEMAND=true the entrypoint runs NeuVector's environment mode
# (results in /var/neuvector, which the user strata owns); any other arguments are a strata
# command line: docker run strata image alpine:3.20. README "Container image" has the docker
# run lines for a registry, a docker.sock and a privileged host scan.

FROM debian:12 AS build
COPY scripts/install-deps.sh /src/scripts/install-deps.sh
RUN /src/scripts/install-deps.sh \
 && apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates busybox-static \
 && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S /src -B /build -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF \
 && cmake --build /build -j"$(nproc)" --target strata
RUN /src/scripts/build-image.sh --binary /build/strata --rootfs /rootfs \
 && /src/scripts/build-image.sh --binary /build/strata --shell --rootfs /rootfs-ci

FROM scratch AS ci
COPY --from=build /rootfs-ci /
LABEL org.opencontainers.image.title=strata org.opencontainers.image.licenses=Apache-2.0
USER 10001:10001
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/home/strata XDG_CACHE_HOME=/var/cache
WORKDIR /home/strata
ENTRYPOINT ["/usr/local/bin/strata"]

# The default target: the last stage.
FROM scratch AS runtime
COPY --from=build /rootfs /
LABEL org.opencontainers.image.title=strata org.opencontainers.image.licenses=Apache-2.0
USER 10001:10001
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/home/strata XDG_CACHE_HOME=/var/cache
WORKDIR /home/strata
ENTRYPOINT ["/usr/local/bin/strata"]
