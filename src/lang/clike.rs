//! A token scanner for the brace languages (JavaScript, TypeScript, Java).
//!
//! It only needs to be right about what matters for finding declarations and matching braces: strings,
//! template literals (with `${…}` inside), comments and — for JavaScript, where simple — regex literals are
//! single opaque tokens, so a `}` inside one never closes a block.

/// Which language's literals to expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    /// Template literals and regex literals.
    JavaScript,
    /// Text blocks (`"""`) and char literals.
    Java,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    /// An identifier or keyword.
    Word(String),
    /// Punctuation or an operator: `{`, `=>`, `==`, `@`…
    Punct(String),
    /// A string, template, char, regex or number literal.
    Literal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    pub kind: Kind,
    pub line: u32,
    /// Last line of the token (templates and text blocks span lines).
    pub end_line: u32,
}

impl Token {
    pub fn is(&self, text: &str) -> bool {
        match &self.kind {
            Kind::Word(w) | Kind::Punct(w) => w == text,
            Kind::Literal => false,
        }
    }

    pub fn word(&self) -> Option<&str> {
        match &self.kind {
            Kind::Word(w) => Some(w),
            _ => None,
        }
    }
}

/// Multi-character operators worth keeping whole (so `==` is never read as an assignment).
const OPERATORS: [&str; 12] = [
    "===", "!==", "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "...",
];

/// Keywords after which a `/` starts a regex literal rather than a division.
const BEFORE_REGEX: [&str; 15] = [
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
    "extends",
];

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: u32,
    dialect: Dialect,
    tokens: Vec<Token>,
}

/// All tokens of `source`. Never fails: unterminated literals run to the end.
pub(super) fn lex(source: &str, dialect: Dialect) -> Vec<Token> {
    let mut lexer = Lexer {
        chars: source.chars().collect(),
        pos: 0,
        line: 1,
        dialect,
        tokens: Vec::new(),
    };
    lexer.code(false);
    lexer.tokens
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    /// Consumes one char, counting lines.
    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn push(&mut self, kind: Kind, line: u32) {
        self.tokens.push(Token {
            kind,
            line,
            end_line: self.line,
        });
    }

    /// Lexes code; inside a template's `${…}` (`nested`), stops after the `}` that closes it.
    fn code(&mut self, nested: bool) {
        let mut depth = 0usize;
        while let Some(c) = self.peek(0) {
            let line = self.line;
            if c.is_whitespace() {
                self.bump();
            } else if c == '/' && self.peek(1) == Some('/') {
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.bump();
                }
            } else if c == '/' && self.peek(1) == Some('*') {
                self.pos += 2;
                while self.peek(0).is_some()
                    && !(self.peek(0) == Some('*') && self.peek(1) == Some('/'))
                {
                    self.bump();
                }
                self.pos = (self.pos + 2).min(self.chars.len());
            } else if c == '"' && self.dialect == Dialect::Java && self.starts_with("\"\"\"") {
                self.pos += 3;
                while self.peek(0).is_some() && !self.starts_with("\"\"\"") {
                    if self.bump() == Some('\\') {
                        self.bump();
                    }
                }
                self.pos = (self.pos + 3).min(self.chars.len());
                self.push(Kind::Literal, line);
            } else if c == '"' || c == '\'' {
                self.quoted(c);
                self.push(Kind::Literal, line);
            } else if c == '`' && self.dialect == Dialect::JavaScript {
                self.template();
                self.push(Kind::Literal, line);
            } else if c == '/' && self.dialect == Dialect::JavaScript && self.regex_allowed() {
                if !self.regex() {
                    self.bump();
                    self.push(Kind::Punct("/".into()), line);
                } else {
                    self.push(Kind::Literal, line);
                }
            } else if c.is_alphanumeric() || c == '_' || c == '$' {
                let start = self.pos;
                while self
                    .peek(0)
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
                {
                    self.pos += 1;
                }
                let word: String = self.chars[start..self.pos].iter().collect();
                if word.starts_with(|c: char| c.is_ascii_digit()) {
                    self.push(Kind::Literal, line);
                } else {
                    self.push(Kind::Word(word), line);
                }
            } else {
                if nested && c == '}' && depth == 0 {
                    self.bump();
                    return;
                }
                match c {
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                let op = OPERATORS.iter().find(|op| self.starts_with(op));
                let text = op.map_or_else(|| c.to_string(), |op| op.to_string());
                self.pos += text.chars().count();
                self.push(Kind::Punct(text), line);
            }
        }
    }

    fn starts_with(&self, text: &str) -> bool {
        text.chars()
            .enumerate()
            .all(|(i, c)| self.peek(i) == Some(c))
    }

    /// A `'…'` or `"…"` literal; ends at its quote or, unterminated, at the end of the line.
    fn quoted(&mut self, quote: char) {
        self.bump();
        while let Some(c) = self.peek(0) {
            if c == '\n' {
                return;
            }
            self.bump();
            if c == '\\' {
                self.bump();
            } else if c == quote {
                return;
            }
        }
    }

    /// A template literal, with its `${…}` expressions lexed as code and dropped.
    fn template(&mut self) {
        self.bump();
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '`' => return,
                '$' if self.peek(0) == Some('{') => {
                    self.bump();
                    let kept = self.tokens.len();
                    self.code(true);
                    self.tokens.truncate(kept);
                }
                _ => {}
            }
        }
    }

    /// Whether a `/` here starts a regex, judging by the token before it.
    fn regex_allowed(&self) -> bool {
        if self.peek(1) == Some('=')
            && self
                .tokens
                .last()
                .is_some_and(|t| matches!(t.kind, Kind::Word(_)))
        {
            return false;
        }
        match self.tokens.last().map(|t| &t.kind) {
            None => true,
            Some(Kind::Literal) => false,
            Some(Kind::Word(w)) => BEFORE_REGEX.contains(&w.as_str()),
            Some(Kind::Punct(p)) => !matches!(p.as_str(), ")" | "]"),
        }
    }

    /// A regex literal; returns false (consuming nothing) when the line ends before it closes.
    fn regex(&mut self) -> bool {
        let mut i = 1;
        let mut class = false;
        loop {
            match self.peek(i) {
                None | Some('\n') => return false,
                Some('\\') => i += 1,
                Some('[') => class = true,
                Some(']') => class = false,
                Some('/') if !class => break,
                _ => {}
            }
            i += 1;
        }
        self.pos += i + 1;
        while self.peek(0).is_some_and(|c| c.is_alphanumeric()) {
            self.pos += 1;
        }
        true
    }
}

/// The index of the token that closes the bracket opened at `open` (`{`, `(`, `[` or `<`), or the last token
/// when it is never closed.
pub(super) fn matching(tokens: &[Token], open: usize) -> usize {
    let (left, right) = match tokens.get(open).map(|t| &t.kind) {
        Some(Kind::Punct(p)) => match p.as_str() {
            "{" => ("{", "}"),
            "(" => ("(", ")"),
            "[" => ("[", "]"),
            "<" => ("<", ">"),
            _ => return open,
        },
        _ => return open,
    };
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        if token.is(left) {
            depth += 1;
        } else if token.is(right) {
            depth -= 1;
            if depth == 0 {
                return i;
            }
        } else if left == "<" && (token.is(";") || token.is("{") || token.is("=")) {
            return open; // not a type argument list after all
        }
    }
    tokens.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str, dialect: Dialect) -> Vec<String> {
        lex(source, dialect)
            .into_iter()
            .map(|t| match t.kind {
                Kind::Word(w) | Kind::Punct(w) => w,
                Kind::Literal => "LIT".into(),
            })
            .collect()
    }

    #[test]
    fn strings_comments_and_templates_are_opaque() {
        let src = "const a = \"}\" + '{' // }\n/* { */ `x ${ {b: `}`} } }` ;";
        assert_eq!(
            texts(src, Dialect::JavaScript),
            vec!["const", "a", "=", "LIT", "+", "LIT", "LIT", ";"]
        );
    }

    #[test]
    fn regex_or_division() {
        assert_eq!(
            texts("x = /}/g;", Dialect::JavaScript),
            vec!["x", "=", "LIT", ";"]
        );
        assert_eq!(
            texts("a / b / c", Dialect::JavaScript),
            vec!["a", "/", "b", "/", "c"]
        );
        assert_eq!(
            texts("return /[/]}/.test(s)", Dialect::JavaScript)[..2],
            ["return", "LIT"]
        );
        assert_eq!(
            texts("f(x) / 2", Dialect::JavaScript),
            vec!["f", "(", "x", ")", "/", "LIT"]
        );
    }

    #[test]
    fn lines_are_counted_through_multi_line_tokens() {
        let tokens = lex("a\n`x\ny`\n/* \n */ b", Dialect::JavaScript);
        let lines: Vec<(u32, u32)> = tokens.iter().map(|t| (t.line, t.end_line)).collect();
        assert_eq!(lines, vec![(1, 1), (2, 3), (5, 5)]);
    }

    #[test]
    fn java_text_blocks_and_chars() {
        let src = "String s = \"\"\"\n  }\n\"\"\"; char c = '}';";
        assert_eq!(
            texts(src, Dialect::Java),
            vec!["String", "s", "=", "LIT", ";", "char", "c", "=", "LIT", ";"]
        );
    }

    #[test]
    fn brackets_match() {
        let tokens = lex("{ a ( b ) { c } } d", Dialect::Java);
        assert_eq!(matching(&tokens, 0), 8);
        assert_eq!(matching(&tokens, 2), 4);
        let generic = lex("<K, Map<V, W>> x", Dialect::Java);
        assert_eq!(matching(&generic, 0), 9);
    }

    #[test]
    fn unterminated_input_never_panics() {
        for src in [
            "`${", "\"abc", "/* x", "/[", "'\\", "\"\"\"", "`${`${", "}}}",
        ] {
            let _ = lex(src, Dialect::JavaScript);
            let _ = lex(src, Dialect::Java);
        }
        let tokens = lex("{ (", Dialect::Java);
        assert_eq!(matching(&tokens, 0), 1);
    }
}
