//! Secrets out of everything sent to a model (pure).
//!
//! A pull request's code may hold credentials; the model is a third party. [`redact`] replaces what looks like
//! a secret by [`MARK`] and keeps the rest of the text — including the name of an assigned secret, so the code
//! still reads. [`is_secret_file`] names the files that are never sent at all.
//!
//! Recognised: PEM private key blocks; well-known token shapes (AWS key ids, GitHub, OpenAI/Anthropic `sk-`,
//! Slack, Google, Stripe, JWTs); passwords in URLs; and the value of an assignment or key/value pair whose name
//! says it is secret (password, token, api_key, …) when that value is a literal — quoted in code, bare in
//! YAML, `.ini`, `.properties` and env files, or `key=value` inside a string such as a connection string.
//! Code that only handles secrets (`token_count = len(tokens)`, `password_field = form["password"]`) is left
//! alone: a call, an index, an attribute path or a type is not a literal.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// What a secret is replaced by.
pub const MARK: &str = "«redacted»";

/// A text with its secrets replaced by [`MARK`], and how many were replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    pub count: usize,
}

/// A string literal of Python, JS/TS or Java: an optional Python prefix, then triple-quoted, double-quoted,
/// single-quoted or backtick text. Single-line forms stop at a line end so a stray quote cannot swallow a file.
const LITERAL: &str = r#"(?:[rRbBuUfF]{1,2})?(?:"""(?s:.*?)"""|'''(?s:.*?)'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)"#;

static PRIVATE_KEY_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    // A block cut off before its END line (a truncated diff) is redacted to the end of the text.
    Regex::new(r"(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----|\z)")
        .expect("valid regex")
});

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",               // AWS access key id
        r"|\bgh[pousr]_[A-Za-z0-9]{30,}",               // GitHub tokens
        r"|\bgithub_pat_[A-Za-z0-9_]{22,}",             // GitHub fine-grained tokens
        r"|\bsk-[A-Za-z0-9_\-]{20,}",                   // OpenAI, Anthropic (sk-ant-…), sk-proj-…
        r"|\bxox[abprs]-[A-Za-z0-9\-]{10,}",            // Slack
        r"|\bAIza[0-9A-Za-z_\-]{35}",                   // Google API keys
        r"|\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,}", // Stripe secret and restricted keys
        r"|\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}", // JWTs
    ))
    .expect("valid regex")
});

static URL_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@'"`]+:)([^\s@/'"`]+)@"#)
        .expect("valid regex")
});

/// `name = "value"`, `name: "value"`, `"name": "value"`, `obj["name"] = "value"`, `name := "value"`,
/// `name => "value"`, and with a type annotation: `name: str = "value"`. The type admits no spaces, commas or
/// line breaks, so that a match cannot run over another assignment.
static QUOTED_ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"(?P<name>[A-Za-z_$][A-Za-z0-9_$.\-]*)["']?\]?[ \t]*(?::[ \t]*[A-Za-z_][\w.\[\]<>?]*(?:[ \t]*\|[ \t]*[A-Za-z_][\w.\[\]<>?]*)*[ \t]*)?(?:=>|:=|=|:)[ \t]*(?P<value>{LITERAL})"#
    ))
    .expect("valid regex")
});

/// `setProperty("password", "value")`, `os.getenv("API_TOKEN", "default")`: a call whose first argument names
/// a secret and whose second is its literal value.
static KEY_VALUE_CALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"\(\s*["'](?P<name>[A-Za-z0-9_.\-]+)["']\s*,\s*(?P<value>{LITERAL})"#
    ))
    .expect("valid regex")
});

static ANY_LITERAL: LazyLock<Regex> = LazyLock::new(|| Regex::new(LITERAL).expect("valid regex"));

/// `password=value` inside a string: connection strings, query strings, command lines.
static INLINE_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*(?P<value>[^\s;'"`&,]+)"#)
        .expect("valid regex")
});

/// A whole line `name: value` or `name = value` with a bare value: YAML, `.ini`, `.properties`, env files,
/// Dockerfile `ENV`. Allows a diff's `+`/`-` prefix, a YAML list dash, `export`, an auth scheme word, and a
/// trailing `#` comment.
static BARE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?mR)^(?P<pre>[ \t]*(?:[+\-][ \t]*)?(?:-[ \t]+)?(?:(?:export|ENV|set)[ \t]+)?",
        r#"["']?(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)["']?[ \t]*(?P<sep>=|:)[ \t]*"#,
        r"(?:(?:Bearer|Basic|Token|bearer|basic|token)[ \t]+)?)",
        r#"(?P<value>[^\s'"`#;,(){}\[\]<>|&*!$%@=][^\s'"`;,(){}\[\]<>|]*)"#,
        r"(?P<post>[ \t]*(?:#.*)?)$",
    ))
    .expect("valid regex")
});

/// Bare words that are code or YAML, never a secret value.
const NOT_SECRET_WORDS: &[&str] = &[
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "null",
    "none",
    "nil",
    "undefined",
    "~",
    "str",
    "string",
    "bytes",
    "int",
    "integer",
    "number",
    "bool",
    "boolean",
    "float",
    "any",
    "unknown",
    "object",
    "self",
    "this",
    "required",
    "optional",
];

/// Replaces every secret in `text` by [`MARK`].
pub fn redact(text: &str) -> Redacted {
    let mut count = 0;
    let text = PRIVATE_KEY_BLOCK.replace_all(text, |_: &Captures| {
        count += 1;
        MARK
    });
    let text = TOKEN.replace_all(&text, |_: &Captures| {
        count += 1;
        MARK
    });
    let text = URL_PASSWORD.replace_all(&text, |c: &Captures| {
        // A placeholder (`{password}`, `${PW}`, `<password>`) is no secret.
        if c[2].contains(MARK) || c[2].starts_with(['{', '$', '%', '<']) {
            return c[0].to_string();
        }
        count += 1;
        format!("{}{MARK}@", &c[1])
    });
    let text = KEY_VALUE_CALL.replace_all(&text, |c: &Captures| named_literal(c, &mut count));
    let text = QUOTED_ASSIGNMENT.replace_all(&text, |c: &Captures| named_literal(c, &mut count));
    let text = ANY_LITERAL.replace_all(&text, |c: &Captures| {
        INLINE_PAIR
            .replace_all(&c[0], |p: &Captures| {
                let value = &p["value"];
                if !is_secret_name(&p["name"])
                    || value.contains(MARK)
                    || value.starts_with(['{', '$', '%'])
                {
                    return p[0].to_string();
                }
                count += 1;
                let value_at = p.name("value").expect("value group").start()
                    - p.get(0).expect("match").start();
                format!("{}{MARK}", &p[0][..value_at])
            })
            .into_owned()
    });
    let text = BARE_LINE.replace_all(&text, |c: &Captures| {
        if !is_secret_name(&c["name"]) || !is_bare_secret_value(&c["value"], &c["sep"]) {
            return c[0].to_string();
        }
        count += 1;
        format!("{}{MARK}{}", &c["pre"], &c["post"])
    });
    Redacted {
        text: text.into_owned(),
        count,
    }
}

/// The match with the literal's content replaced when the name is a secret's; quotes and prefix are kept so
/// the code stays valid. Empty literals and literals already redacted are left alone.
fn named_literal(c: &Captures, count: &mut usize) -> String {
    let whole = &c[0];
    let value = c.name("value").expect("value group");
    let literal = value.as_str();
    if !is_secret_name(&c["name"]) || literal.contains(MARK) {
        return whole.to_string();
    }
    let Some((open, close)) = literal_body(literal) else {
        return whole.to_string();
    };
    let start = value.start() - c.get(0).expect("match").start();
    *count += 1;
    format!(
        "{}{}{MARK}{}",
        &whole[..start],
        &literal[..open],
        &literal[close..]
    )
}

/// Byte range of a literal's content (between its quotes), `None` when it is empty.
fn literal_body(literal: &str) -> Option<(usize, usize)> {
    let quote_at = literal.find(['"', '\'', '`'])?;
    let quote = &literal[quote_at..=quote_at];
    let triple = quote.repeat(3);
    let width = if literal[quote_at..].starts_with(&triple) && literal.len() >= quote_at + 6 {
        3
    } else {
        1
    };
    let (open, close) = (quote_at + width, literal.len() - width);
    (open < close).then_some((open, close))
}

/// Whether an assigned name says it holds a secret: it contains password, passwd, pwd, secret, token,
/// api_key/apikey, access_key, private_key, credential or auth — in any case, with `_`, `-` or `.` anywhere.
/// `tokenize…` and `author…` (but not `authoriz…`) are words of their own, not secrets.
pub fn is_secret_name(name: &str) -> bool {
    let normal: String = name
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | '$'))
        .flat_map(char::to_lowercase)
        .collect();
    const PLAIN: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "secret",
        "apikey",
        "accesskey",
        "privatekey",
        "credential",
    ];
    if PLAIN.iter().any(|word| normal.contains(word)) {
        return true;
    }
    let occurs_except = |word: &str, except: &dyn Fn(&str) -> bool| {
        normal
            .match_indices(word)
            .any(|(i, _)| !except(&normal[i + word.len()..]))
    };
    occurs_except("token", &|rest| {
        rest.starts_with("iz") || rest.starts_with("is")
    }) || occurs_except("auth", &|rest| {
        rest.starts_with("or") && !rest.starts_with("oriz") && !rest.starts_with("oris")
    })
}

/// Whether a bare value after a secret's name is a value rather than code: not a keyword or type name, not a
/// number, not an attribute path (`config.password`), not an already redacted text; after `:`, not a
/// PascalCase type name either (`password: SecretStr`).
fn is_bare_secret_value(value: &str, separator: &str) -> bool {
    static NUMBER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^-?[0-9]+(?:\.[0-9]+)?$").expect("valid regex"));
    static ATTRIBUTE_PATH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$").expect("valid regex")
    });
    static TYPE_NAME: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?:[A-Z][a-z0-9]+)+$").expect("valid regex"));
    let lower = value.to_lowercase();
    !(value.contains(MARK)
        || NOT_SECRET_WORDS.contains(&lower.as_str())
        || NUMBER.is_match(value)
        || ATTRIBUTE_PATH.is_match(value)
        || value.chars().all(|c| c.is_ascii_punctuation())
        || (separator == ":" && TYPE_NAME.is_match(value)))
}

/// Whether a file must never be sent to a model, judged by its name in any folder: env files, keys and
/// keystores, package-manager and network credentials, secrets files, Terraform variables.
pub fn is_secret_file(path: &str) -> bool {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_lowercase();
    const NAMES: &[&str] = &[
        ".env",
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        ".npmrc",
        ".pypirc",
        ".netrc",
        "_netrc",
        "credentials",
        "credentials.json",
    ];
    const EXTENSIONS: &[&str] = &[
        ".pem",
        ".key",
        ".p12",
        ".pfx",
        ".jks",
        ".keystore",
        ".tfvars",
        ".tfvars.json",
    ];
    NAMES.contains(&name.as_str())
        || name.starts_with(".env.")
        || name.starts_with("secrets.")
        || EXTENSIONS.iter().any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    // Test values are assembled at run time so that no scanner mistakes this file for a leak.
    fn github_token() -> String {
        format!("ghp_{}", "A1b2C3d4E5".repeat(4))
    }

    fn aws_key_id() -> String {
        format!("AKIA{}", "IOSFODNN7EXAMPLE")
    }

    fn jwt() -> String {
        format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.{}",
            "eyJzdWIiOiIxMjM0NTY3ODkwIn0", "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        )
    }

    fn assert_redacts(input: &str, expected: &str, count: usize) {
        let r = redact(input);
        assert_eq!(r.text, expected);
        assert_eq!(r.count, count, "count for {input:?}");
    }

    fn assert_untouched(input: &str) {
        assert_redacts(input, input, 0);
    }

    #[test]
    fn private_key_blocks_go_whole() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\nq8fXz==\n-----END RSA PRIVATE KEY-----";
        assert_redacts(
            &format!("key = '''{pem}'''\nnext()"),
            "key = '''«redacted»'''\nnext()",
            1,
        );
        // Escaped newlines in a string, and an OpenSSH key.
        let inline = r#"KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----\n""#;
        assert_redacts(inline, r#"KEY = "«redacted»\n""#, 1);
        // A block cut off by a truncated diff still goes.
        assert_redacts(
            "+-----BEGIN PRIVATE KEY-----\n+MIIEvQIBADANBg\n+kqhkiG9w0B",
            "+«redacted»",
            1,
        );
        // Public keys and certificates are not secret.
        assert_untouched("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqh\n-----END PUBLIC KEY-----");
    }

    #[test]
    fn known_token_shapes_go_wherever_they_are() {
        let tokens = [
            aws_key_id(),
            format!("ASIA{}", "ABCDEFGHIJ234567"),
            github_token(),
            format!("gho_{}", "x9".repeat(18)),
            format!("github_pat_{}", "11ABCDEFG0_abcdefghijklmnopqrstuvwxyz"),
            format!("sk-proj-{}", "Ab3dEf6hIj9kLm2nOp5qRs8t"),
            format!("sk-ant-api03-{}", "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2"),
            format!("xoxb-{}", "123456789012-abcdefABCDEF"),
            format!("AIza{}", "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"),
            format!("sk_live_{}", "4eC39HqLyjWDarjtT1zdp7dc"),
            format!("rk_live_{}", "51H8abcdEFGHijkl"),
            jwt(),
        ];
        for token in &tokens {
            // In a comment, where no assignment rule would find it.
            let text = format!("# call with {token} here\nx = 1");
            assert_redacts(&text, "# call with «redacted» here\nx = 1", 1);
        }
    }

    #[test]
    fn urls_lose_their_password_only() {
        assert_redacts(
            r#"DATABASE_URL = "postgres://app:s3cr3t-pw@db.internal:5432/app""#,
            r#"DATABASE_URL = "postgres://app:«redacted»@db.internal:5432/app""#,
            1,
        );
        assert_untouched(
            "see https://example.com:8080/path and git://host/repo and http://user@host/",
        );
    }

    #[test]
    fn python_assignments_keep_their_names() {
        let code = r#"
import os

DB_PASSWORD = "hunter2"
api_key: str = 'abc123xyz'
client = Client(token="t0k3n", timeout=5)
settings = {"secret_key": "django-insecure-abc", "debug": True}
conn = psycopg2.connect("dbname=app user=app password=pa55word host=db")
token = os.environ.get("API_TOKEN", "fallback-secret")

def add(a, b):
    return a + b
"#;
        let expected = r#"
import os

DB_PASSWORD = "«redacted»"
api_key: str = '«redacted»'
client = Client(token="«redacted»", timeout=5)
settings = {"secret_key": "«redacted»", "debug": True}
conn = psycopg2.connect("dbname=app user=app password=«redacted» host=db")
token = os.environ.get("API_TOKEN", "«redacted»")

def add(a, b):
    return a + b
"#;
        assert_redacts(code, expected, 6);
    }

    #[test]
    fn javascript_and_typescript_assignments() {
        let code = "const apiKey = 'abc-123';\nlet authToken = `tok-${n}`;\nconst cfg = { clientSecret: \"shh\", port: 8080 };\nheaders['Authorization'] = 'Bearer abc.def';\nconst password: string = \"pw\";\nexport function add(a, b) { return a + b; }\n";
        let expected = "const apiKey = '«redacted»';\nlet authToken = `«redacted»`;\nconst cfg = { clientSecret: \"«redacted»\", port: 8080 };\nheaders['Authorization'] = '«redacted»';\nconst password: string = \"«redacted»\";\nexport function add(a, b) { return a + b; }\n";
        assert_redacts(code, expected, 5);
    }

    #[test]
    fn java_assignments_and_properties() {
        let code = "public class Db {\n    private static final String PASSWORD = \"hunter2\";\n    private String apiToken = \"t\";\n    void init(Properties p) { p.setProperty(\"db.password\", \"pw\"); }\n    String url = \"jdbc:mysql://h/db?user=u&password=pw2\";\n}\n";
        let expected = "public class Db {\n    private static final String PASSWORD = \"«redacted»\";\n    private String apiToken = \"«redacted»\";\n    void init(Properties p) { p.setProperty(\"db.password\", \"«redacted»\"); }\n    String url = \"jdbc:mysql://h/db?user=u&password=«redacted»\";\n}\n";
        assert_redacts(code, expected, 4);
    }

    #[test]
    fn yaml_ini_and_env_values() {
        let text = "database:\n  host: db\n  password: hunter2\n  api-key: \"quoted\"\n  - auth_token: abc123  # prod\nretries: 3\n[server]\nsecret_key = s3cr3t\nexport GITHUB_SECRET=xyz\nENV API_TOKEN=foo\nspring.datasource.password=pw\nAuthorization: Bearer abc123\n";
        let expected = "database:\n  host: db\n  password: «redacted»\n  api-key: \"«redacted»\"\n  - auth_token: «redacted»  # prod\nretries: 3\n[server]\nsecret_key = «redacted»\nexport GITHUB_SECRET=«redacted»\nENV API_TOKEN=«redacted»\nspring.datasource.password=«redacted»\nAuthorization: Bearer «redacted»\n";
        assert_redacts(text, expected, 8);
    }

    #[test]
    fn diff_lines_are_redacted_on_both_sides() {
        let diff =
            "@@ -1,2 +1,2 @@\n-password = \"old\"\n+password = \"new\"\n-token: abc\n+token: def\n";
        let expected = "@@ -1,2 +1,2 @@\n-password = \"«redacted»\"\n+password = \"«redacted»\"\n-token: «redacted»\n+token: «redacted»\n";
        assert_redacts(diff, expected, 4);
    }

    #[test]
    fn windows_line_ends_do_not_hide_secrets() {
        assert_redacts(
            "password: hunter2\r\nport: 1\r\n",
            "password: «redacted»\r\nport: 1\r\n",
            1,
        );
    }

    #[test]
    fn ordinary_code_is_left_alone() {
        for code in [
            "token_count = len(tokens)",
            "password_field = form[\"password\"]",
            "if password == \"\":\n    raise ValueError",
            "if token != 'x': pass",
            "token = None",
            "secret = self.secret",
            "password = config.password",
            "token: str",
            "password: SecretStr",
            "apiKey: string;",
            "max_tokens = 100",
            "tokenizer = \"gpt2\"",
            "author = \"Jane Doe\"",
            "authority: example.com",
            "name = \"calc\"\nversion: 1.2.3",
            "url = f\"postgres://{user}:{password}@{host}\"",
            "conn = f\"password={pw}\"",
            "const { token } = req.query;",
            "return {\"password\": pw, \"user\": user}",
            "cfg = {\"password\": \"\"}",
            "def check(password: str = DEFAULT) -> bool:",
        ] {
            assert_untouched(code);
        }
    }

    #[test]
    fn secret_names() {
        for name in [
            "password",
            "DB_PASSWORD",
            "passwd",
            "pwd",
            "clientSecret",
            "SECRET_KEY",
            "authToken",
            "api_key",
            "apiKey",
            "x-api-key",
            "AWS_ACCESS_KEY_ID",
            "aws_secret_access_key",
            "private_key",
            "credentials",
            "Authorization",
            "auth",
            "oauth_state",
            "self.password",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "x",
            "tokenizer",
            "tokenise",
            "author",
            "authors",
            "authority",
            "user",
            "key",
        ] {
            assert!(
                !is_secret_name(name),
                "{name} should not be a secret's name"
            );
        }
    }

    #[test]
    fn secret_files_by_name_in_any_folder() {
        for path in [
            ".env",
            "app/.env.production",
            "certs/server.pem",
            "tls/server.key",
            "keystore.p12",
            "a/b.pfx",
            "release.jks",
            "android/app/debug.keystore",
            "home/.ssh/id_rsa",
            "id_ed25519",
            "id_ecdsa",
            "id_dsa",
            ".npmrc",
            "pkg/.pypirc",
            ".netrc",
            "aws/credentials",
            "gcp/credentials.json",
            "config/secrets.yml",
            "infra/prod.tfvars",
            "infra/x.auto.tfvars.json",
            "C:\\repo\\.ENV",
        ] {
            assert!(is_secret_file(path), "{path}");
        }
        for path in [
            "src/env.py",
            "id_rsa.pub",
            "src/keys.py",
            "docs/credentials.md",
            "src/secret_santa.py",
            "environment.yml",
            "monkey.js",
            "src/main/java/Key.java",
        ] {
            assert!(!is_secret_file(path), "{path}");
        }
    }

    #[test]
    fn planted_secrets_are_gone_and_the_rest_is_intact() {
        let planted = [github_token(), aws_key_id(), jwt()];
        let text = format!(
            "GH = \"{}\"\n// {}\nconst jwt = '{}';\ndef add(a, b):\n    return a + b\n",
            planted[0], planted[1], planted[2]
        );
        let r = redact(&text);
        for secret in &planted {
            assert!(
                !r.text.contains(secret.as_str()),
                "{secret} left in {}",
                r.text
            );
        }
        assert_eq!(r.count, 3);
        assert!(r.text.ends_with("def add(a, b):\n    return a + b\n"));
        assert!(
            r.text
                .starts_with("GH = \"«redacted»\"\n// «redacted»\nconst jwt = '«redacted»';")
        );
    }
}
