// Every built-in rule: a made-up but format-valid planted value is found (rule id, line,
// redacted match), and a near miss is not.

#include <catch2/catch.hpp>

#include <algorithm>

#include "fixtures.hpp"
#include "secret/rules.hpp"

using namespace strata;
using namespace strata::secret;
using namespace strata::secret::testing;

namespace {

// The one finding of `rule` in `findings`; fails the test when there is not exactly one.
model::Secret only(const std::vector<model::Secret>& findings, const std::string& rule) {
  auto n = std::count_if(findings.begin(), findings.end(),
                         [&](const model::Secret& s) { return s.rule_id == rule; });
  INFO("rules found: " << Catch::Detail::stringify(rule_ids(findings)));
  REQUIRE(n == 1);
  return *std::find_if(findings.begin(), findings.end(),
                       [&](const model::Secret& s) { return s.rule_id == rule; });
}

void check_found(const std::string& path, const std::string& content, const std::string& rule,
                 std::uint32_t line, const std::string& match) {
  auto findings = scan(path, content);
  auto s = only(findings, rule);
  CHECK(s.line == line);
  CHECK(s.match == match);
  CHECK(s.path == path);
  CHECK(!s.title.empty());
  CHECK(!s.category.empty());
  CHECK((s.severity == "CRITICAL" || s.severity == "HIGH" || s.severity == "MEDIUM" ||
         s.severity == "LOW"));
  CHECK(s.layer.empty());
  CHECK(!s.deleted);
}

void check_none(const std::string& path, const std::string& content) {
  auto findings = scan(path, content);
  INFO("rules found: " << Catch::Detail::stringify(rule_ids(findings)));
  CHECK(findings.empty());
}

std::string jwt(std::string_view header_json, std::string_view payload_json,
                std::string_view signature) {
  return base64url(header_json) + "." + base64url(payload_json) + "." + std::string(signature);
}

}  // namespace

TEST_CASE("every built-in rule is tested here") {
  std::vector<std::string> ids;
  for (const auto& r : builtin_rules().rules) {
    ids.push_back(r.id);
  }
  std::sort(ids.begin(), ids.end());
  CHECK(ids == std::vector<std::string>{"aws-access-key-id",
                                        "aws-secret-access-key",
                                        "azure-storage-account-key",
                                        "docker-config-auth",
                                        "dockerhub-pat",
                                        "gcp-service-account",
                                        "generic-secret-assignment",
                                        "git-credentials",
                                        "github-app-token",
                                        "github-fine-grained-pat",
                                        "github-oauth",
                                        "github-pat",
                                        "github-refresh-token",
                                        "gitlab-pat",
                                        "jwt-token",
                                        "netrc-password",
                                        "npm-access-token",
                                        "npmrc-auth",
                                        "pkcs12-private-key",
                                        "private-key",
                                        "pypi-upload-token",
                                        "pypirc-password",
                                        "slack-access-token",
                                        "stripe-secret-token"});
  CHECK(builtin_rules().warnings.empty());
}

TEST_CASE("aws-access-key-id") {
  auto id = "AKIA" + gen(k_base32, 16, 1);
  check_found("/root/.aws/credentials", "[default]\naws_access_key_id = " + id + "\n",
              "aws-access-key-id", 2, "AKIA*****");
  auto temp = "ASIA" + gen(k_base32, 16, 2);
  check_found("/app/env", "export AWS_ACCESS_KEY_ID=" + temp, "aws-access-key-id", 1, "ASIA*****");
  SECTION("near misses") {
    check_none("/app/a", "id = AKIA" + gen(k_base32, 15, 3) + "\n");             // too short
    check_none("/app/a", "id = AKIA" + gen(k_base32, 17, 3) + "\n");             // too long
    check_none("/app/a", "id = akia" + gen(k_base32, 16, 3) + "\n");             // lower case
    check_none("/app/a", "id = AKIA" + gen("01890189", 16, 3) + "\n");           // not base32
    check_none("/app/a", "id = XAKIA" + gen(k_base32, 16, 3) + "\n");            // inside a word
    check_none("/app/a", std::string("id = AKIA") + "IOSFODNN7" + "EXAMPLE\n");  // AWS's doc key
    check_none("/app/a", "user = AIDA" + gen(k_base32, 16, 3) + "\n");  // a user's unique id
  }
}

TEST_CASE("aws-secret-access-key: only with its key id or name nearby") {
  auto id = "AKIA" + gen(k_base32, 16, 4);
  auto secret = gen(k_base64, 40, 5);
  auto findings = scan("/root/.aws/credentials", "[default]\naws_access_key_id = " + id +
                                                     "\naws_secret_access_key = " + secret + "\n");
  auto s = only(findings, "aws-secret-access-key");
  CHECK(s.line == 3);
  CHECK(s.match == redacted(secret));
  only(findings, "aws-access-key-id");

  // The key id on a neighbouring line is enough; so is the name alone.
  check_found("/app/config.js", "const id = '" + id + "';\nconst key = '" + secret + "';\n",
              "aws-secret-access-key", 2, redacted(secret));
  check_found("/app/.env", "AWS_SECRET_ACCESS_KEY=" + secret + "\n", "aws-secret-access-key", 1,
              redacted(secret));
  check_found("/app/creds.json", "{\"SecretAccessKey\": \"" + secret + "\"}",
              "aws-secret-access-key", 1, redacted(secret));

  SECTION("near misses") {
    // 40 base64 characters three lines away from the key id.
    auto far = scan("/app/a", id + "\n\n\nvalue = " + secret + "\n");
    CHECK(rule_ids(far) == std::vector<std::string>{"aws-access-key-id"});
    // A 40-character hex digest next to the name: entropy too low for a secret key.
    check_none("/app/a", "aws_secret_access_key = " + gen(k_hex, 40, 6) + "\n");
    // 41 characters.
    check_none("/app/a", "aws_secret_access_key = " + gen(k_base64, 41, 7) + "\n");
  }
}

TEST_CASE("gcp-service-account") {
  auto body = gen(k_base64, 64 * 20, 8);
  std::string escaped_key = "-----BEGIN PRIVATE KEY-----\\n" + pem_lines(body, 64, "\\n") +
                            "-----END PRIVATE KEY-----\\n";
  auto file = [&](std::string_view type) {
    return "{\n  \"type\": \"" + std::string(type) +
           "\",\n  \"project_id\": \"demo-project\",\n  \"private_key_id\": \"" +
           gen(k_hex, 40, 9) + "\",\n  \"private_key\": \"" + escaped_key +
           "\",\n  \"client_email\": \"svc@demo-project.iam.gserviceaccount.com\"\n}\n";
  };
  auto findings = scan("/app/sa.json", file("service_account"));
  auto s = only(findings, "gcp-service-account");
  CHECK(s.line == 5);
  CHECK(s.match == redacted(body));
  // The key itself is a private key too.
  CHECK(only(findings, "private-key").line == 5);

  SECTION("near misses") {
    // Not a service account: the private-key rule alone.
    CHECK(rule_ids(scan("/app/other.json", file("authorized_user"))) ==
          std::vector<std::string>{"private-key"});
    check_none("/app/sa.json",
               "{\"type\": \"service_account\", \"private_key\": \"\", \"client_id\": \"1\"}");
  }
}

TEST_CASE("azure-storage-account-key") {
  auto key = gen(k_base64.substr(0, 64), 86, 10) + "==";
  check_found("/app/appsettings.json",
              "{\n  \"Storage\": \"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" +
                  key + ";EndpointSuffix=core.windows.net\"\n}\n",
              "azure-storage-account-key", 2, redacted(key));
  SECTION("near misses") {
    check_none("/app/a", "AccountKey=" + gen(k_base64, 85, 11) + "==;");  // 87 characters
    check_none("/app/a", "AccountKey=" + gen(k_base64, 88, 11) + ";");    // no == end
    // The storage emulator's published key.
    check_none("/app/a", std::string("AccountKey=") + "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50u" +
                             "SRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;");
  }
}

TEST_CASE("private-key: PEM, OpenSSH and PGP armour") {
  auto body = gen(k_base64, 64 * 10, 12);
  auto pem = [&](std::string_view label, std::string_view headers = {}) {
    return "-----BEGIN " + std::string(label) + "-----\n" + std::string(headers) + pem_lines(body) +
           "-----END " + std::string(label) + "-----\n";
  };
  for (auto label : {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY",
                     "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY"}) {
    INFO(label);
    check_found("/home/u/.ssh/id", "# key\n" + pem(label), "private-key", 2, redacted(body));
  }
  // Traditional encrypted PEM headers, PGP armour headers and a blank line before the body.
  check_found("/etc/ssl/private/server.key",
              pem("RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC," +
                                         gen("0123456789ABCDEF", 32, 13) + "\n\n"),
              "private-key", 1, redacted(body));
  check_found("/root/secret.asc",
              "\n" + pem("PGP PRIVATE KEY BLOCK", "Comment: made up\n\n") + "=AbCd\n",
              "private-key", 2, redacted(body));
  // OpenSSH's format as ssh-keygen writes it: 70-character lines, body starting with the magic.
  auto openssh = base64url("openssh-key-v1") + gen(k_base64, 300, 14);
  check_found("/root/.ssh/id_ed25519",
              "-----BEGIN OPENSSH PRIVATE KEY-----\n" + pem_lines(openssh, 70) +
                  "-----END OPENSSH PRIVATE KEY-----\n",
              "private-key", 1, redacted(openssh));
  // Escaped line breaks, as in a YAML or JSON string.
  check_found("/app/values.yaml",
              "tls:\n  key: \"-----BEGIN EC PRIVATE KEY-----\\n" + pem_lines(body, 64, "\\n") +
                  "-----END EC PRIVATE KEY-----\\n\"\n",
              "private-key", 2, redacted(body));

  SECTION("near misses") {
    check_none("/etc/ssl/cert.pem", pem("CERTIFICATE"));
    check_none("/etc/ssl/key.pub", pem("PUBLIC KEY"));
    check_none("/etc/ssh/ssh_host_rsa_key.pub", pem("RSA PUBLIC KEY"));
    // A BEGIN line in code or documentation, without a body.
    check_none("/app/main.py",
               "if line.startswith('-----BEGIN RSA PRIVATE KEY-----'):\n    parse(line)\n");
    check_none("/app/README",
               "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg...\n"
               "-----END PRIVATE KEY-----\n");
  }
}

TEST_CASE("GitHub tokens") {
  struct Case {
    std::string prefix;
    std::string rule;
    std::size_t length;
  };
  for (const auto& c : std::vector<Case>{{"ghp_", "github-pat", 36},
                                         {"gho_", "github-oauth", 36},
                                         {"ghu_", "github-app-token", 36},
                                         {"ghs_", "github-app-token", 36},
                                         {"ghr_", "github-refresh-token", 36},
                                         {"ghr_", "github-refresh-token", 76}}) {
    INFO(c.prefix << " " << c.length);
    auto token = c.prefix + gen(k_base62, c.length, 15);
    check_found("/app/deploy.sh", "#!/bin/sh\nexport GH_TOKEN=" + token + "\n", c.rule, 2,
                redacted(token));
    check_none("/app/deploy.sh", "export GH_TOKEN=" + c.prefix + gen(k_base62, 35, 15) + "\n");
    check_none("/app/deploy.sh", "export GH_TOKEN=" + c.prefix + gen(k_base62, 37, 15) + "\n");
  }
  auto fine = "github_pat_" + gen(k_base62, 22, 16) + "_" + gen(k_base62, 59, 17);
  check_found("/app/.env", "GITHUB_TOKEN=" + fine + "\n", "github-fine-grained-pat", 1,
              "gith*****");
  check_none("/app/.env", "GITHUB_TOKEN=" + fine.substr(0, fine.size() - 1) + "\n");
}

TEST_CASE("gitlab-pat") {
  auto token = "glpat-" + gen(std::string(k_base62) + "_-", 20, 18);
  check_found("/app/.gitlab.env", "TOKEN=\"" + token + "\"\n", "gitlab-pat", 1, "glpa*****");
  check_none("/app/a", "TOKEN=\"glpat-" + gen(k_base62, 19, 18) + "\"\n");
  check_none("/app/a", "TOKEN=\"glpat-" + gen(k_base62, 21, 18) + "\"\n");
}

TEST_CASE("slack-access-token") {
  auto token =
      "xoxb-" + gen(k_digits, 12, 19) + "-" + gen(k_digits, 13, 20) + "-" + gen(k_base62, 24, 21);
  check_found("/app/bot.yaml", "slack:\n  token: " + token + "\n", "slack-access-token", 2,
              "xoxb*****");
  check_none("/app/bot.yaml", "slack:\n  token: xoxb-your-token-here\n");
  check_none("/app/bot.yaml", "slack:\n  token: xoxb-" + gen(k_digits, 12, 19) + "-abc\n");
}

TEST_CASE("stripe-secret-token") {
  auto key = "sk_live_" + gen(k_base62, 24, 22);
  check_found("/app/.env", "STRIPE_KEY=" + key + "\n", "stripe-secret-token", 1, "sk_l*****");
  check_none("/app/.env", "STRIPE_KEY=sk_test_" + gen(k_base62, 24, 22) + "\n");
  check_none("/app/.env", "STRIPE_KEY=sk_live_" + gen(k_base62, 20, 22) + "\n");
}

TEST_CASE("npm-access-token and npmrc-auth") {
  auto token = "npm_" + gen(k_base62, 36, 23);
  check_found("/app/publish.js", "const t = '" + token + "';\n", "npm-access-token", 1,
              "npm_*****");
  check_none("/app/publish.js", "const t = 'npm_" + gen(k_base62, 35, 23) + "';\n");
  // In an .npmrc the token is reported once, by its own rule.
  CHECK(rule_ids(scan("/root/.npmrc", "//registry.npmjs.org/:_authToken=" + token + "\n")) ==
        std::vector<std::string>{"npm-access-token"});

  auto legacy = gen(k_base62, 30, 24);
  check_found(
      "/home/node/.npmrc",
      "registry=https://npm.internal.corp/\n//npm.internal.corp/:_authToken=" + legacy + "\n",
      "npmrc-auth", 2, redacted(legacy));
  auto password = util::base64_encode(gen(k_base62, 14, 25));
  check_found("/etc/npmrc", "//npm.internal.corp/:_password=\"" + password + "\"\n", "npmrc-auth",
              1, redacted(password));
  SECTION("near misses") {
    check_none("/root/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n");
    // The same line outside an npmrc is no npmrc-auth finding (but a generic one).
    CHECK(rule_ids(scan("/app/notes.txt", "//npm.internal.corp/:_authToken=" + legacy + "\n")) ==
          std::vector<std::string>{"generic-secret-assignment"});
  }
}

TEST_CASE("pypi-upload-token and pypirc-password") {
  auto token = "pypi-AgEIcHlwaS5vcmc" + gen(k_base64url, 120, 26);
  check_found("/app/upload.sh", "twine upload -p " + token + " dist/*\n", "pypi-upload-token", 1,
              "pypi*****");
  check_none("/app/upload.sh",
             "twine upload -p pypi-AgEIcHlwaS5vcmc" + gen(k_base64url, 40, 26) + " dist/*\n");
  // In a .pypirc the token is reported once, by its own rule.
  CHECK(rule_ids(scan("/root/.pypirc", "[pypi]\nusername = __token__\npassword = " + token +
                                           "\n")) == std::vector<std::string>{"pypi-upload-token"});

  auto password = gen(k_base62, 16, 27);
  check_found("/root/.pypirc",
              "[distutils]\nindex-servers = internal\n\n[internal]\nrepository = "
              "https://pypi.internal.corp/\nusername = ci\npassword = " +
                  password + "\n",
              "pypirc-password", 7, redacted(password));
  check_none("/root/.pypirc", "[internal]\nusername = ci\npassword = <your password>\n");
  CHECK(rule_ids(
            scan("/root/pypirc.txt", "[internal]\nusername = ci\npassword = " + password + "\n")) ==
        std::vector<std::string>{"generic-secret-assignment"});
}

TEST_CASE("dockerhub-pat") {
  auto token = "dckr_pat_" + gen(k_base64url, 27, 28);
  check_found("/app/ci.env", "DOCKERHUB_TOKEN=" + token + "\n", "dockerhub-pat", 1, "dckr*****");
  check_none("/app/ci.env", "DOCKERHUB_TOKEN=dckr_pat_" + gen(k_base64url, 26, 28) + "\n");
}

TEST_CASE("jwt-token: signed tokens only") {
  auto token = jwt(R"({"alg":"HS256","typ":"JWT"})",
                   R"({"sub":")" + gen(k_base62, 12, 29) + R"(","iat":1700000000})",
                   base64url(gen(k_base62, 32, 30)));
  check_found("/app/client.py", "\n\nAUTH = 'Bearer " + token + "'\n", "jwt-token", 3, "eyJh*****");
  SECTION("near misses") {
    // Unsigned (alg none, empty signature part).
    check_none("/app/a", "t = '" + jwt(R"({"alg":"none"})", R"({"sub":"x1234567"})", "") + "'\n");
    // A signature part but "alg": "none".
    check_none("/app/a", "t = '" +
                             jwt(R"({"alg":"none"})", R"({"sub":"x1234567"})",
                                 base64url(gen(k_base62, 32, 31))) +
                             "'\n");
    // A header that is not JSON.
    check_none("/app/a", "t = '" +
                             jwt(R"({"alg": HS256})", R"({"sub":"x1234567"})",
                                 base64url(gen(k_base62, 32, 31))) +
                             "'\n");
    // jwt.io's example token.
    check_none("/app/a", "t = '" +
                             jwt(R"({"alg":"HS256","typ":"JWT"})",
                                 R"({"sub":"1234567890","name":"John Doe","iat":1516239022})",
                                 std::string("SflKxwRJSMeKKF2QT4fwpMeJf36POk6y") + "JV_adQssw5c") +
                             "'\n");
  }
}

TEST_CASE("docker-config-auth: decoded user:password only") {
  auto password = gen(k_base62, 20, 32);
  auto auth = util::base64_encode("deploy:" + password);
  auto config = [](const std::string& value) {
    return "{\n\t\"auths\": {\n\t\t\"registry.internal.corp\": {\n\t\t\t\"auth\": \"" + value +
           "\"\n\t\t}\n\t}\n}\n";
  };
  check_found("/root/.docker/config.json", config(auth), "docker-config-auth", 4, redacted(auth));
  check_found("/run/containers/0/auth.json", config(auth), "docker-config-auth", 4, redacted(auth));
  SECTION("near misses") {
    check_none("/root/.docker/config.json", config(util::base64_encode("deploy:")));
    check_none("/root/.docker/config.json", config(util::base64_encode(":" + password)));
    check_none("/root/.docker/config.json", config(util::base64_encode("deploy")));
    check_none("/root/.docker/config.json", config("not base64!"));
    check_none("/root/.docker/config.json", config(""));
    check_none("/app/config.json", config(auth));  // not a Docker config's path
  }
}

TEST_CASE("netrc-password") {
  auto password = gen(k_base62, 10, 33);
  auto findings =
      scan("/root/.netrc", "machine ftp.internal.corp login bob password " + password + "\n");
  auto s = only(findings, "netrc-password");
  CHECK(s.line == 1);
  CHECK(s.match == password.substr(0, 2) + "*****");  // a short value shows a quarter at most
  check_none("/root/.netrc", "machine ftp.internal.corp login bob password changeme\n");
  check_none("/root/netrc.txt", "machine ftp.internal.corp login bob password " + password);
}

TEST_CASE("git-credentials") {
  auto password = gen(k_base62, 24, 34);
  check_found("/root/.git-credentials", "https://alice:" + password + "@git.internal.corp\n",
              "git-credentials", 1, redacted(password));
  check_found("/home/u/.config/git/credentials",
              "\nhttps://bob:" + password + "@git.internal.corp\n", "git-credentials", 2,
              redacted(password));
  check_none("/root/.git-credentials", "https://alice@git.internal.corp\n");
  // A GitHub token as the password: reported once, by github-pat.
  auto token = "ghp_" + gen(k_base62, 36, 35);
  CHECK(rule_ids(scan("/root/.git-credentials", "https://alice:" + token + "@github.com\n")) ==
        std::vector<std::string>{"github-pat"});
}

TEST_CASE("generic-secret-assignment: high entropy, no placeholders") {
  auto value = gen(std::string(k_base62) + "!#%+-", 24, 36);
  check_found("/app/.env", "DEBUG=1\nDB_PASSWORD=" + value + "\n", "generic-secret-assignment", 2,
              redacted(value));
  check_found("/app/config.yaml", "db:\n  password: \"" + value + "\"\n",
              "generic-secret-assignment", 2, redacted(value));
  check_found("/app/settings.py", "SECRET_KEY = '" + value + "'\n", "generic-secret-assignment", 1,
              redacted(value));
  check_found("/app/app.json", "{\"client_secret\": \"" + value + "\"}",
              "generic-secret-assignment", 1, redacted(value));
  check_found("/app/a.properties", "service.api_key=" + value + "\n", "generic-secret-assignment",
              1, redacted(value));

  SECTION("near misses") {
    for (const std::string& v : std::vector<std::string>{
             "changeme123456789",  // a dummy
             "${DB_PASSWORD}",     // references
             "$DB_PASSWORD_FROM_ENV",    "{{ .Values.password }}", "<your-password-here>",
             "aaaaaaaaaaaaaaaaaaaa",     // one repeated character
             "abcabcabcabcabcabc",       // low entropy
             "correcthorsebattery",      // words: entropy < 3.5
             "os.environ.get(",          // code
             "process.env.DB_PASSWORD",  // qualified names in code
             "*in.env_password",         "self->db_password",      "Settings::kDbPassword",
             "/run/secrets/db_password",  // a path
             "MY_APP_SECRET_NAME",        // a name
             "xxxxxxxxxxxxxxxxxxxx",     "********************",   "Example-K3y-Value-99",
             gen(k_base62, 8, 37),  // short
         }) {
      INFO(v);
      check_none("/app/.env", "DB_PASSWORD=" + v + "\n");
    }
    // The name must end with the keyword: a file, URL or policy setting is no secret.
    check_none("/app/.env", "DB_PASSWORD_FILE=" + value + "\n");
    check_none("/app/.env", "token_url=" + value + "\n");
    check_none("/app/run.sh", "docker run -v /etc/passwd:/etc/passwd:ro image\n");
    // Package-managed code is not configuration.
    check_none("/usr/lib/python3/dist-packages/app/settings.py", "SECRET_KEY = '" + value + "'\n");
    check_none("/usr/local/lib/node_modules/x/index.js", "const apiKey = '" + value + "';\n");
  }
}
