// Scanner behaviour around the rules: wants(), binary content and PKCS#12 by magic, real keys
// and certificates from OpenSSL, line numbers, dedupe, the per-file cap, concurrency, and that
// no unredacted value ever leaves the library.

#include <catch2/catch.hpp>

#include <memory>
#include <thread>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "fixtures.hpp"
#include "secret/filters.hpp"
#include "secret/rules.hpp"

using namespace strata;
using namespace strata::secret;
using namespace strata::secret::testing;

namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using P12Ptr = std::unique_ptr<PKCS12, decltype(&PKCS12_free)>;

PkeyPtr ec_key() {
  PkeyPtr key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  REQUIRE(key);
  return key;
}

X509Ptr self_signed(EVP_PKEY* key) {
  X509Ptr cert(X509_new(), X509_free);
  REQUIRE(cert);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("strata test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  REQUIRE(X509_sign(cert.get(), key, EVP_sha256()) > 0);
  return cert;
}

template <typename Write>
std::string to_memory(Write write) {
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  REQUIRE(write(bio.get()) == 1);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string pkcs12_der(EVP_PKEY* key, X509* cert) {
  char password[] = "strata-test";
  char name[] = "test";
  P12Ptr p12(PKCS12_create(password, name, key, cert, nullptr, 0, 0, 0, 0, 0), PKCS12_free);
  REQUIRE(p12);
  unsigned char* der = nullptr;
  int n = i2d_PKCS12(p12.get(), &der);
  REQUIRE(n > 0);
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return out;
}

}  // namespace

TEST_CASE("wants: noise paths, allow-listed paths and the size cap") {
  const auto& s = builtin_scanner();
  for (auto path : {
           "/usr/share/doc/bash/README",
           "/usr/share/man/man1/ls.1.gz",
           "/usr/local/share/man/man1/tool.1",
           "/usr/share/info/coreutils.info",
           "/usr/share/locale/de/LC_MESSAGES/coreutils.mo",
           "/opt/app/translations/de.mo",
           "/app/__pycache__/settings.cpython-311.pyc",
           "/app/legacy.pyo",
           "/usr/lib/python3/dist-packages/requests/tests/test_auth.py",
           "/usr/local/lib/python3.11/site-packages/numpy/core/tests/data/key.pem",
           "/usr/lib/python3.11/test/keycert.pem",
           "/usr/local/lib/python3.12/test/certdata/key.pem",
           "/app/node_modules/jsonwebtoken/test/jwt.hs256.tests.js",
           "/app/node_modules/@scope/pkg/tests/fixtures/key.pem",
           "/usr/lib/node_modules/npm/node_modules/x/__tests__/a.js",
           "/go/pkg/mod/golang.org/x/crypto@v0.1.0/ssh/testdata/keys.go",
           "/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt",
           "/etc/ssl/certs/ca-certificates.crt",
           "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
           "/usr/share/zoneinfo/Europe/Berlin",
           "/usr/lib/x86_64-linux-gnu/libssl.so.3",
           "/usr/lib/libfoo.a",
           "/app/static/logo.png",
           "/app/lib/app.jar",
           "/root/.pyenv/versions/3.11.7/lib/python3.11/test/certdata/keycert.pem",
           "/usr/lib/google-cloud-sdk/platform/gsutil/gslib/tests/test_data/test.p12",
           "/opt/rust/share/doc/cargo/reference/registries.html",
           "/usr/share/go-1.19/src/crypto/tls/example_test.go",
           "/usr/lib/python3/dist-packages/awscli/examples/iot/create-claim.rst",
           "/usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO",
           "/usr/local/lib/python3.11/site-packages/joserfc-1.6.5.dist-info/METADATA",
           "/app/node_modules/jsonwebtoken/README.md",
           "/var/lib/dpkg/status",
           "/var/lib/dpkg/info/tzdata.list",
           "/var/lib/dpkg/info/tzdata.md5sums",
           "/lib/apk/db/installed",
           "/var/lib/rpm/rpmdb.sqlite",
           "usr/share/doc/x/copyright",    // relative, as in a tar header
           "./usr/share/doc/x/copyright",  // ditto
       }) {
    INFO(path);
    CHECK_FALSE(s.wants(path, 100));
  }
  for (auto path : {
           "/etc/ssl/private/ssl-cert-snakeoil.key",
           "/root/.ssh/id_ed25519",
           "/app/.env",
           "/usr/share/docker/README",  // not /usr/share/doc/
           "/usr/lib/python3/dist-packages/app/settings.py",
           "/app/node_modules/pkg/index.js",
           "/app/certs/client.p12",
           "/app/testing/config.yaml",
           "/app/tests/config.yaml",  // the application's own tests
           "/usr/share/cmake-3.25/Templates/Windows/Windows_TemporaryKey.pfx",  // rule-level
           "/app/docs/setup.md",
           "/var/lib/dpkg/info/hello.postinst",  // maintainer scripts are scanned
           "etc/shadow",
           "./root/.docker/config.json",
       }) {
    INFO(path);
    CHECK(s.wants(path, 100));
  }
  CHECK(s.wants("/app/big.json", ScanLimits{}.max_file_size));
  CHECK_FALSE(s.wants("/app/big.json", ScanLimits{}.max_file_size + 1));

  auto small = Scanner::create(builtin_rules(), ScanLimits{1000});
  REQUIRE(small);
  CHECK(small->wants("/app/a", 1000));
  CHECK_FALSE(small->wants("/app/a", 1001));
}

TEST_CASE("scan skips allow-listed paths too, and takes relative paths as absolute") {
  auto token = "ghp_" + gen(k_base62, 36, 100);
  CHECK(scan("/usr/share/doc/x/README", token).empty());
  auto findings = scan("./app/run.sh", token);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].path == "/app/run.sh");
  CHECK(scan("app/run.sh", token).at(0).path == "/app/run.sh");
}

TEST_CASE("binary content: text rules are skipped") {
  auto token = "ghp_" + gen(k_base62, 36, 101);
  CHECK(scan("/app/bin", std::string("\x7f"
                                     "ELF\0\0",
                                     6) +
                             token)
            .empty());
  // A NUL beyond the first 8 KiB does not make a file binary.
  std::string text = token + "\n" + std::string(9000, 'x') + std::string(1, '\0');
  CHECK(rule_ids(scan("/app/data", text)) == std::vector<std::string>{"github-pat"});
}

TEST_CASE("real keys and certificates written by OpenSSL") {
  auto key = ec_key();
  auto cert = self_signed(key.get());
  auto pkcs8 = to_memory([&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  auto traditional = to_memory([&](BIO* b) {
    return PEM_write_bio_PrivateKey_traditional(b, key.get(), nullptr, nullptr, 0, nullptr,
                                                nullptr);
  });
  char password[] = "strata-test";
  auto encrypted = to_memory([&](BIO* b) {
    return PEM_write_bio_PKCS8PrivateKey(b, key.get(), EVP_aes_256_cbc(), password,
                                         sizeof(password) - 1, nullptr, nullptr);
  });
  auto traditional_encrypted = to_memory([&](BIO* b) {
    return PEM_write_bio_PrivateKey_traditional(b, key.get(), EVP_aes_128_cbc(),
                                                reinterpret_cast<unsigned char*>(password),
                                                sizeof(password) - 1, nullptr, nullptr);
  });
  PkeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), EVP_PKEY_free);
  REQUIRE(ed);
  auto ed_pkcs8 = to_memory([&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, ed.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  for (const auto& pem : {pkcs8, traditional, encrypted, traditional_encrypted, ed_pkcs8}) {
    INFO(pem.substr(0, pem.find('\n')));
    auto findings = scan("/etc/ssl/private/server.key", pem);
    REQUIRE(rule_ids(findings) == std::vector<std::string>{"private-key"});
    CHECK(findings[0].line == 1);
    CHECK(findings[0].match.size() == 9);
  }
  CHECK(traditional_encrypted.find("DEK-Info:") != std::string::npos);

  // Certificates and public keys are no finding, alone or in a bundle.
  auto cert_pem = to_memory([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); });
  auto pub_pem = to_memory([&](BIO* b) { return PEM_write_bio_PUBKEY(b, key.get()); });
  CHECK(scan("/app/tls/cert.pem", cert_pem).empty());
  CHECK(scan("/app/tls/key.pub", pub_pem).empty());
  CHECK(scan("/app/tls/chain.pem", cert_pem + cert_pem + pub_pem).empty());
  // A certificate followed by its key: the key is found, on its own line.
  auto both = scan("/app/tls/server.pem", cert_pem + pkcs8);
  REQUIRE(rule_ids(both) == std::vector<std::string>{"private-key"});
  CHECK(both[0].line ==
        static_cast<std::uint32_t>(std::count(cert_pem.begin(), cert_pem.end(), '\n') + 1));
}

TEST_CASE("pkcs12-private-key: by magic, in binary content, key stores only") {
  auto key = ec_key();
  auto cert = self_signed(key.get());
  auto with_key = pkcs12_der(key.get(), cert.get());
  REQUIRE(with_key.size() > 256);
  REQUIRE(with_key.substr(0, 2) == "\x30\x82");
  REQUIRE(with_key.substr(0, 8192).find('\0') != std::string::npos);  // binary

  for (auto path : {"/app/certs/client.p12", "/app/certs/client.pfx", "/opt/app/keystore"}) {
    INFO(path);
    auto findings = scan(path, with_key);
    REQUIRE(rule_ids(findings) == std::vector<std::string>{"pkcs12-private-key"});
    CHECK(findings[0].line == 0);
    CHECK(findings[0].match == "3082*****");
    CHECK(findings[0].category == "PrivateKey");
  }

  SECTION("near misses") {
    // A trust store: certificates only (as Java's cacerts in PKCS#12 form).
    auto trust_store = pkcs12_der(nullptr, cert.get());
    REQUIRE(trust_store.substr(0, 2) == "\x30\x82");
    CHECK(scan("/opt/java/lib/security/cacerts", trust_store).empty());
    // The magic alone, without a key bag; a key store's bytes behind another header.
    CHECK(scan("/app/x.p12", with_key.substr(0, 8)).empty());
    CHECK(scan("/app/x.bin", "\x01" + with_key).empty());
  }
}

TEST_CASE("line numbers, CRLF, last line, dedupe and the per-file cap") {
  auto a = "ghp_" + gen(k_base62, 36, 102);
  auto b = "ghp_" + gen(k_base62, 36, 103);
  auto findings = scan("/app/x", "one\r\ntwo " + a + "\r\n\r\n" + a + " " + a + "\r\nlast " + b);
  REQUIRE(findings.size() == 3);
  CHECK(findings[0].line == 2);
  CHECK(findings[1].line == 4);  // the same token twice on line 4: reported once
  CHECK(findings[2].line == 5);  // last line, no line break after it
  CHECK(scan("/app/x", a).at(0).line == 1);

  std::string many;
  for (int i = 0; i < 1500; ++i) {
    many += "ghp_" + gen(k_base62, 36, 1000 + static_cast<std::uint64_t>(i)) + "\n";
  }
  CHECK(scan("/app/tokens.txt", many).size() == k_max_findings_per_file);
}

TEST_CASE("concurrent scans on one scanner agree") {
  std::string content;
  for (int i = 0; i < 50; ++i) {
    content += "TOKEN_" + std::to_string(i) + "=ghp_" +
               gen(k_base62, 36, 2000 + static_cast<std::uint64_t>(i)) + "\n";
    content +=
        "AWS_ACCESS_KEY_ID=AKIA" + gen(k_base32, 16, 3000 + static_cast<std::uint64_t>(i)) + "\n";
  }
  auto expected = scan("/app/.env", content);
  REQUIRE(expected.size() == 100);
  std::vector<std::thread> threads;
  std::vector<int> ok(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      int good = 0;
      for (int i = 0; i < 20; ++i) {
        std::vector<model::Secret> out;
        builtin_scanner().scan("/app/.env", content, out);
        good += out == expected ? 1 : 0;
      }
      ok[static_cast<std::size_t>(t)] = good;
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  CHECK(ok == std::vector<int>(8, 20));
}

TEST_CASE("redact never shows a whole value") {
  CHECK(redact("abcdefghijklmnopqrstuvwxyz") == "abcd*****");
  CHECK(redact("abcdefghijklmnop") == "abcd*****");
  CHECK(redact("abcdefghijklmno") == "abc*****");
  CHECK(redact("abcdefgh") == "ab*****");
  CHECK(redact("abc") == "*****");
  CHECK(redact("") == "*****");
  CHECK(redact("ab\ncdefghijklmnopq") == "ab*****");
  CHECK(redact("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9") == "*****");
}

TEST_CASE("no finding carries an unredacted value") {
  // One file per rule, each with a planted value; every string the scanner returns is searched
  // for every value, and the redacted match for its first 5 characters (it shows at most 4).
  // (Rule ids and titles may hold a token's public prefix, "github" or "pypi-".)
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<std::string> values;
  auto plant = [&](std::string path, std::string before, std::string value,
                   std::string after = "\n") {
    files.emplace_back(std::move(path), before + value + after);
    values.push_back(std::move(value));
  };
  plant("/app/a", "id = ", "AKIA" + gen(k_base32, 16, 200));
  plant("/app/b", "aws_secret_access_key = ", gen(k_base64, 40, 201));
  plant("/app/c", "AccountKey=", gen(k_base62, 86, 202) + "==");
  plant("/app/d", "-----BEGIN PRIVATE KEY-----\n", gen(k_base64, 64, 203),
        "\n-----END PRIVATE KEY-----\n");
  plant("/app/e", "t=", "ghp_" + gen(k_base62, 36, 204));
  plant("/app/f", "t=", "github_pat_" + gen(k_base62, 82, 205));
  plant("/app/g", "t=", "glpat-" + gen(k_base62, 20, 206));
  plant("/app/h", "t=", "xoxp-1234567890-" + gen(k_base62, 32, 207));
  plant("/app/i", "t=", "sk_live_" + gen(k_base62, 30, 208));
  plant("/app/j", "t=", "npm_" + gen(k_base62, 36, 209));
  plant("/app/k", "t=", "pypi-AgEIcHlwaS5vcmc" + gen(k_base64url, 80, 210));
  plant("/app/l", "t=", "dckr_pat_" + gen(k_base62, 27, 211));
  plant("/app/m", "t=",
        base64url(R"({"alg":"RS256"})") + "." + base64url(R"({"sub":"someone"})") + "." +
            gen(k_base64url, 86, 212));
  plant("/root/.docker/config.json", R"({"auths":{"r":{"auth":")",
        util::base64_encode("u:" + gen(k_base62, 16, 213)), "\"}}}");
  plant("/root/.npmrc", "//r/:_authToken=", gen(k_base62, 30, 214));
  plant("/root/.pypirc", "[x]\npassword = ", gen(k_base62, 12, 215));
  plant("/root/.netrc", "machine m login l password ", gen(k_base62, 9, 216));
  plant("/root/.git-credentials", "https://u:", gen(k_base62, 11, 217), "@h\n");
  plant("/app/.env", "DB_PASSWORD=", gen(k_base62, 20, 218));

  std::size_t total = 0;
  for (const auto& [path, content] : files) {
    auto findings = scan(path, content);
    INFO(path);
    CHECK(!findings.empty());
    total += findings.size();
    for (const auto& f : findings) {
      for (const auto* field :
           {&f.rule_id, &f.category, &f.severity, &f.title, &f.path, &f.match, &f.layer}) {
        for (const auto& v : values) {
          CHECK(field->find(v) == std::string::npos);
        }
      }
      for (const auto& v : values) {
        CHECK(f.match.find(v.substr(0, 5)) == std::string::npos);
      }
    }
  }
  CHECK(total >= files.size());
}
