//! The import header of a JavaScript or TypeScript file: `import`, `export … from` and `require` statements.

/// A statement spread over more lines than this is not an import header.
const MAX_LINES: usize = 40;

/// Top-level `import`, re-exporting `export … from` and `require(…)` statements, each whole.
pub(super) fn imports(text: &str) -> Vec<String> {
    let has_specifier = |s: &str| {
        s.contains(" from '")
            || s.contains(" from \"")
            || s.contains("from'")
            || s.contains("from\"")
            || s.contains("require(")
    };
    let mut statements = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let starts_import = line.starts_with("import ")
            || line.starts_with("import{")
            || line.starts_with("import\"")
            || line.starts_with("import'");
        let starts_reexport = line.starts_with("export *")
            || line.starts_with("export {")
            || line.starts_with("export type {");
        let declares =
            line.starts_with("const ") || line.starts_with("let ") || line.starts_with("var ");
        // `const {` opening a destructuring that may end in `= require(…)` a few lines down.
        let opens_destructuring = line.contains('{') && !line.contains('}') && !line.contains('(');
        let starts_require = (declares && (line.contains("require(") || opens_destructuring))
            || line.starts_with("require(");
        if !(starts_import || starts_reexport || starts_require) {
            continue;
        }
        let side_effect_import =
            starts_import && line["import".len()..].trim_start().starts_with(['\'', '"']);
        let mut statement = line.trim_end().to_string();
        let mut count = 1;
        while !side_effect_import
            && !has_specifier(&statement)
            && !statement.ends_with(';')
            && count < MAX_LINES
        {
            let Some(next) = lines.next() else { break };
            statement.push('\n');
            statement.push_str(next.trim_end());
            count += 1;
        }
        if starts_import || has_specifier(&statement) {
            statements.push(statement);
        }
    }
    statements
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_imports() {
        let text = "'use strict';\nimport fs from 'node:fs';\nimport {\n  a,\n  b,\n} from \"./ab.js\";\nimport './polyfill.js';\nimport type { T } from './types';\nexport * from './all.js';\nexport { c } from './c.js';\nexport { local };\nconst path = require('path');\nconst {\n  join,\n} = require('node:path');\nconst x = 1;\nexport function add(a, b) { return a + b; }\n";
        assert_eq!(
            imports(text).join("\n"),
            "import fs from 'node:fs';\nimport {\n  a,\n  b,\n} from \"./ab.js\";\nimport './polyfill.js';\nimport type { T } from './types';\nexport * from './all.js';\nexport { c } from './c.js';\nconst path = require('path');\nconst {\n  join,\n} = require('node:path');"
        );
    }
}
