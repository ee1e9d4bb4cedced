//! `setup.py` read statically, never executed: a small Python tokenizer, and the literal values of
//! keyword arguments (`python_requires=">=3.9"`, `install_requires=[...]`, `extras_require={...}`), through
//! one level of names (`requires = [...]` … `install_requires=requires`). Anything else is reported as not
//! literal, with its source text.

/// A Python literal made of strings, lists/tuples and dicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Str(String),
    List(Vec<Literal>),
    Dict(Vec<(Literal, Literal)>),
}

/// A keyword argument's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The literal, or why there is none (the expression as written).
    pub value: Result<Literal, String>,
    /// Line of the keyword.
    pub line: u32,
    /// Set when the value came through a name that the file changes later (`requires.append(...)`).
    pub caveat: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Str(String),
    /// An f-string: never a literal.
    FStr,
    Name(String),
    Op(String),
    /// End of a logical line.
    Newline,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
    line: u32,
}

/// A tokenized `setup.py`.
pub struct SetupPy {
    text: String,
    tokens: Vec<Token>,
}

const TWO_CHAR_OPS: &[&str] = &[
    "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "|=", "**", "//", "->", ":=",
];

impl SetupPy {
    pub fn parse(text: &str) -> SetupPy {
        SetupPy {
            text: text.to_string(),
            tokens: tokenize(text),
        }
    }

    /// Every string literal in the file (classifiers are looked for among them).
    pub fn strings(&self) -> impl Iterator<Item = &str> {
        self.tokens.iter().filter_map(|t| match &t.tok {
            Tok::Str(s) => Some(s.as_str()),
            _ => None,
        })
    }

    /// The first keyword argument `name=…` of any call (`setup(...)`, `dict(...)`), or `'name': …` entry of a
    /// dict literal.
    pub fn keyword(&self, name: &str) -> Option<Found> {
        let tokens = &self.tokens;
        (1..tokens.len().saturating_sub(1)).find_map(|i| {
            let before = &tokens[i - 1].tok;
            let is_keyword = matches!(&tokens[i].tok, Tok::Name(n) if n == name)
                && tokens[i + 1].tok == op("=")
                && (*before == op("(") || *before == op(","));
            let is_key = matches!(&tokens[i].tok, Tok::Str(s) if s == name)
                && tokens[i + 1].tok == op(":")
                && (*before == op("{") || *before == op(","));
            (is_keyword || is_key).then(|| {
                let value = self.expression(i + 2);
                let (value, caveat) = match value {
                    [token] => match &token.tok {
                        Tok::Name(var) => self.resolve(var),
                        _ => (self.literal(value), None),
                    },
                    _ => (self.literal(value), None),
                };
                Found {
                    value,
                    line: tokens[i].line,
                    caveat,
                }
            })
        })
    }

    /// The tokens of the expression starting at `start`, up to a `,`, closing bracket or end of line at its
    /// own depth.
    fn expression(&self, start: usize) -> &[Token] {
        let mut depth = 0usize;
        let mut end = start;
        while let Some(token) = self.tokens.get(end) {
            match &token.tok {
                Tok::Op(o) if matches!(o.as_str(), "(" | "[" | "{") => depth += 1,
                Tok::Op(o) if matches!(o.as_str(), ")" | "]" | "}") => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                Tok::Op(o) if o == "," && depth == 0 => break,
                Tok::Newline if depth == 0 => break,
                _ => {}
            }
            end += 1;
        }
        &self.tokens[start..end]
    }

    /// A name's value: its first assignment at the start of a line, when that is a literal.
    fn resolve(&self, name: &str) -> (Result<Literal, String>, Option<String>) {
        let tokens = &self.tokens;
        let is_name = |t: &Token| matches!(&t.tok, Tok::Name(n) if n == name);
        let assignment = (0..tokens.len().saturating_sub(1)).find(|&i| {
            is_name(&tokens[i])
                && tokens[i + 1].tok == op("=")
                && (i == 0 || tokens[i - 1].tok == Tok::Newline)
        });
        let Some(at) = assignment else {
            return (
                Err(format!("{name} (not defined as a literal in setup.py)")),
                None,
            );
        };
        let value = self.literal(self.expression(at + 2));
        let value = value.map_err(|expr| format!("{name} = {expr}"));
        let changed = (0..tokens.len().saturating_sub(2)).find_map(|i| {
            if !is_name(&tokens[i]) || i == at {
                return None;
            }
            let next = &tokens[i + 1].tok;
            let method = match &tokens[i + 2].tok {
                Tok::Name(m) if *next == op(".") => m.as_str(),
                _ => "",
            };
            if matches!(method, "append" | "extend" | "insert" | "update" | "remove") {
                Some(format!(".{method}(…)"))
            } else if *next == op("+=")
                || *next == op("|=")
                || (*next == op("=") && i > 0 && tokens[i - 1].tok == Tok::Newline)
            {
                Some("another assignment".to_string())
            } else {
                None
            }
        });
        let caveat = changed.map(|how| {
            format!("{name} is changed after its definition ({how}); only the literal definition is read")
        });
        (value, caveat)
    }

    /// The tokens as one literal, or their source text when they are not one.
    fn literal(&self, tokens: &[Token]) -> Result<Literal, String> {
        let source = || match (tokens.first(), tokens.last()) {
            (Some(first), Some(last)) => self.text[first.start..last.end].to_string(),
            _ => String::new(),
        };
        match parse_literal(tokens, 0) {
            Some((literal, used)) if used == tokens.len() => Ok(literal),
            _ => Err(source()),
        }
    }
}

fn op(text: &str) -> Tok {
    Tok::Op(text.to_string())
}

/// One literal at `at`: adjacent strings concatenated, `[...]`, `(...)`, `{k: v}`. Returns it and the index
/// after it.
fn parse_literal(tokens: &[Token], at: usize) -> Option<(Literal, usize)> {
    match &tokens.get(at)?.tok {
        Tok::Str(first) => {
            let mut text = first.clone();
            let mut next = at + 1;
            while let Some(Tok::Str(more)) = tokens.get(next).map(|t| &t.tok) {
                text.push_str(more);
                next += 1;
            }
            Some((Literal::Str(text), next))
        }
        Tok::Op(open) if open == "[" || open == "(" => {
            let close = if open == "[" { "]" } else { ")" };
            let (mut items, mut comma) = (Vec::new(), false);
            let mut next = at + 1;
            loop {
                if tokens.get(next)?.tok == op(close) {
                    // `("a" "b")` is a parenthesised string, `("a",)` a tuple.
                    if close == ")" && items.len() == 1 && !comma {
                        return Some((items.remove(0), next + 1));
                    }
                    return Some((Literal::List(items), next + 1));
                }
                let (item, after) = parse_literal(tokens, next)?;
                items.push(item);
                next = after;
                if tokens.get(next)?.tok == op(",") {
                    comma = true;
                    next += 1;
                }
            }
        }
        Tok::Op(open) if open == "{" => {
            let mut entries = Vec::new();
            let mut next = at + 1;
            loop {
                if tokens.get(next)?.tok == op("}") {
                    return Some((Literal::Dict(entries), next + 1));
                }
                let (key, after) = parse_literal(tokens, next)?;
                if tokens.get(after)?.tok != op(":") {
                    return None;
                }
                let (value, after) = parse_literal(tokens, after + 1)?;
                entries.push((key, value));
                next = after;
                if tokens.get(next)?.tok == op(",") {
                    next += 1;
                }
            }
        }
        _ => None,
    }
}

fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let offset = |i: usize| chars.get(i).map_or(text.len(), |(at, _)| *at);
    let mut tokens = Vec::new();
    let (mut i, mut line, mut depth) = (0usize, 1u32, 0usize);
    while i < chars.len() {
        let c = chars[i].1;
        let start = i;
        let start_line = line;
        let tok = if c == '\n' {
            line += 1;
            i += 1;
            if depth > 0 || tokens.last().is_none_or(|t: &Token| t.tok == Tok::Newline) {
                continue;
            }
            Tok::Newline
        } else if c == '#' {
            while i < chars.len() && chars[i].1 != '\n' {
                i += 1;
            }
            continue;
        } else if c == '\\' && chars.get(i + 1).is_some_and(|(_, n)| *n == '\n') {
            line += 1;
            i += 2;
            continue;
        } else if c.is_whitespace() {
            i += 1;
            continue;
        } else if c.is_alphanumeric() || c == '_' {
            while i < chars.len() && (chars[i].1.is_alphanumeric() || chars[i].1 == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().map(|(_, c)| c).collect();
            let prefix = word.to_ascii_lowercase();
            let quoted = chars.get(i).is_some_and(|(_, q)| *q == '"' || *q == '\'');
            if quoted
                && matches!(
                    prefix.as_str(),
                    "r" | "u" | "b" | "f" | "br" | "rb" | "fr" | "rf"
                )
            {
                let (value, next, lines) = read_string(&chars, i, prefix.contains('r'));
                i = next;
                line += lines;
                if prefix.contains('f') {
                    Tok::FStr
                } else {
                    Tok::Str(value)
                }
            } else {
                Tok::Name(word)
            }
        } else if c == '"' || c == '\'' {
            let (value, next, lines) = read_string(&chars, i, false);
            i = next;
            line += lines;
            Tok::Str(value)
        } else {
            let pair: String = chars[i..(i + 2).min(chars.len())]
                .iter()
                .map(|(_, c)| c)
                .collect();
            let width = if TWO_CHAR_OPS.contains(&pair.as_str()) {
                2
            } else {
                1
            };
            i += width;
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            Tok::Op(chars[start..i].iter().map(|(_, c)| c).collect())
        };
        tokens.push(Token {
            tok,
            start: offset(start),
            end: offset(i),
            line: start_line,
        });
    }
    tokens
}

/// A string starting at its quote `at`: its value, the index after it, and the newlines inside it.
fn read_string(chars: &[(usize, char)], at: usize, raw: bool) -> (String, usize, u32) {
    let quote = chars[at].1;
    let triple = chars.get(at + 1).is_some_and(|(_, c)| *c == quote)
        && chars.get(at + 2).is_some_and(|(_, c)| *c == quote);
    let (mut i, width) = if triple { (at + 3, 3) } else { (at + 1, 1) };
    let (mut value, mut lines) = (String::new(), 0u32);
    while i < chars.len() {
        let c = chars[i].1;
        let closes =
            c == quote && (0..width).all(|k| chars.get(i + k).is_some_and(|(_, q)| *q == quote));
        if closes {
            return (value, i + width, lines);
        }
        if c == '\n' {
            lines += 1;
            if !triple {
                return (value, i, lines - 1);
            }
        }
        if c == '\\' && i + 1 < chars.len() {
            let next = chars[i + 1].1;
            if next == '\n' {
                lines += 1;
            }
            if raw {
                value.push(c);
                value.push(next);
            } else {
                match next {
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    '\n' => {}
                    '\\' | '\'' | '"' => value.push(next),
                    other => {
                        value.push('\\');
                        value.push(other);
                    }
                }
            }
            i += 2;
            continue;
        }
        value.push(c);
        i += 1;
    }
    (value, i, lines)
}

#[cfg(test)]
mod tests;
