#pragma once
// Checks on a matched value that regexes cannot express: entropy, placeholders, redaction.

#include <string>
#include <string_view>

namespace strata::secret {

// Shannon entropy of the bytes of `value`, in bits per byte (0 for an empty value; at most
// log2(size)). Random base64 of 16+ characters scores ~3.7-4.8, English words and identifiers
// ~2.5-3.3.
double shannon_entropy(std::string_view value);

// Whether `value` (an assigned value, quotes already stripped) is a placeholder or a reference
// rather than a literal secret: a template or variable reference (${VAR}, $VAR, $(cmd), {{ .x }},
// %(x)s, #{x}, <password>), code (a call, an index, a qualified name such as process.env.TOKEN,
// *in.password, self->token or Config::kToken), a
// file path, a well-known dummy ("changeme", "password", "example", "your_...", "xxxx", "****",
// "null", "none", "true", "false", ...), or one character repeated.
bool is_placeholder(std::string_view value);

// What a finding shows of `value`: its first 4 characters, then "*****". A value shorter than
// 16 bytes shows a quarter of its length at most (a 6-character password shows 1), and only
// printable ASCII is shown (the prefix stops at anything else), so the redacted text can never
// be the whole secret.
std::string redact(std::string_view value);

}  // namespace strata::secret
