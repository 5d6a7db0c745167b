"""Go source text → facts: tree-sitter parsing, the reference language, scopes and resolution. No file reads."""
