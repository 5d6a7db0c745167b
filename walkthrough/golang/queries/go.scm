; Top-level declarations of a Go file, tree-sitter-go 0.25 node names.
; Run with QueryCursor.set_max_start_depth(0) on the root node: only the file's own children match,
; which keeps the query cheap (nothing below a declaration is visited by the matcher).
; Capture names follow the tree-sitter tags convention; goparse reads names, specs, fields and
; doc comments from the captured nodes itself.

(source_file (package_clause) @package)
(source_file (import_declaration) @import)
(source_file (function_declaration) @definition.function)
(source_file (method_declaration) @definition.method)
(source_file (type_declaration) @definition.type)
(source_file (const_declaration) @definition.constant)
(source_file (var_declaration) @definition.var)
