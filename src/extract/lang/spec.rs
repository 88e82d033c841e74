//! What the node kinds of each tree-sitter grammar mean to the evaluator. Adding a language is
//! a table here, a grammar in `Lang::grammar`, and fixtures.

use super::Lang;

/// Node kinds of one grammar, by role.
#[derive(Debug)]
pub struct Spec {
    /// String literals (with or without interpolation). Their text minus the delimiters and
    /// minus the interpolated children is the literal text.
    pub strings: &'static [&'static str],
    /// Children of a string that are literal text or delimiters, not interpolations.
    pub string_parts: &'static [&'static str],
    /// Interpolation wrappers inside strings (`{x}`, `${x}`, `#{x}`): the expression is inside.
    pub interpolations: &'static [&'static str],
    /// `$name` written in literal text is an interpolation (Kotlin; Dart and shell parse it).
    pub dollar_text: bool,
    /// Binary expressions (concatenation when the operator is one of [`CONCAT_OPS`]).
    pub binary: &'static [&'static str],
    /// Calls, and the field names of their callee and arguments.
    pub calls: &'static [&'static str],
    /// Assignments and declarations: `(kind, name field, value field)`; an empty field means
    /// "first named child" / "last named child".
    pub assigns: &'static [(&'static str, &'static str, &'static str)],
    /// Maps, dicts, objects, hashes, arrays of pairs.
    pub maps: &'static [&'static str],
    /// Key/value entries of maps, and named arguments (`params=…`, `query: …`).
    pub pairs: &'static [&'static str],
    /// Parenthesised expressions and argument wrappers, looked through.
    pub wrappers: &'static [&'static str],
    /// Scopes for locals: functions, methods, lambdas.
    pub scopes: &'static [&'static str],
    /// Classes, structs, modules: member bindings (`this.x = …`, fields, class constants) belong
    /// to the one around them, and `this.x`/`self.x`/`@x`/`$this->x` look there first. Go has
    /// none: a method's receiver type is its class (see the evaluator).
    pub classes: &'static [&'static str],
}

/// Operators that concatenate strings in the languages understood.
pub const CONCAT_OPS: &[&str] = &["+", ".", "..", "<<"];

const PARTS: &[&str] = &[
    "string_start",
    "string_end",
    "string_content",
    "string_fragment",
    "escape_sequence",
    "interpreted_string_literal_content",
    "raw_string_literal_content",
    "string_literal_content",
    "interpolation_start",
    "interpolation_quote",
    "raw_string_start",
    "raw_string_end",
    "raw_string_content",
    "verbatim_string_literal_content",
    "template_chars_single",
    "template_chars_double",
    "template_chars_single_single",
    "template_chars_double_single",
    "template_chars_raw_slash",
    "heredoc_start",
    "heredoc_end",
    "heredoc_content",
    "text",
    "multiline_string_content",
];

const WRAPPERS: &[&str] = &[
    "parenthesized_expression",
    "argument",
    "value_argument",
    "expression_list",
    "await_expression",
    "unary_expression",
    "non_null_expression",
    "as_expression",
    "satisfies_expression",
    "type_assertion",
    "cast_expression",
];

static PYTHON: Spec = Spec {
    strings: &["string", "concatenated_string"],
    string_parts: PARTS,
    interpolations: &["interpolation"],
    dollar_text: false,
    binary: &["binary_operator"],
    calls: &["call"],
    assigns: &[
        ("assignment", "left", "right"),
        ("default_parameter", "name", "value"),
        ("typed_default_parameter", "name", "value"),
        // `with httpx.Client(…) as client`: the value is the first child
        ("as_pattern", "alias", "^"),
    ],
    maps: &["dictionary"],
    pairs: &["pair", "keyword_argument"],
    wrappers: WRAPPERS,
    scopes: &["function_definition", "lambda"],
    classes: &["class_definition"],
};

static JS: Spec = Spec {
    strings: &["string", "template_string"],
    string_parts: PARTS,
    interpolations: &["template_substitution"],
    dollar_text: false,
    binary: &["binary_expression"],
    calls: &["call_expression", "new_expression"],
    assigns: &[
        ("variable_declarator", "name", "value"),
        ("assignment_expression", "left", "right"),
        ("public_field_definition", "name", "value"),
        ("field_definition", "property", "value"),
        // parameter defaults (`constructor(base = "https://…")`)
        ("required_parameter", "pattern", "value"),
        ("optional_parameter", "pattern", "value"),
        ("assignment_pattern", "left", "right"),
    ],
    maps: &["object"],
    pairs: &["pair", "shorthand_property_identifier"],
    wrappers: WRAPPERS,
    scopes: &[
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
    ],
    classes: &["class_declaration", "class", "abstract_class_declaration"],
};

static PHP: Spec = Spec {
    strings: &["string", "encapsed_string", "heredoc", "nowdoc"],
    string_parts: PARTS,
    interpolations: &[],
    dollar_text: false,
    binary: &["binary_expression"],
    calls: &[
        "function_call_expression",
        "member_call_expression",
        "nullsafe_member_call_expression",
        "scoped_call_expression",
        "object_creation_expression",
    ],
    assigns: &[
        ("assignment_expression", "left", "right"),
        ("const_element", "", ""),
        ("property_element", "", ""),
        ("simple_parameter", "name", "default_value"),
        ("property_promotion_parameter", "name", "default_value"),
    ],
    maps: &["array_creation_expression"],
    pairs: &["array_element_initializer"],
    wrappers: WRAPPERS,
    scopes: &["function_definition", "method_declaration", "anonymous_function", "arrow_function"],
    classes: &["class_declaration", "trait_declaration", "enum_declaration"],
};

static JAVA: Spec = Spec {
    strings: &["string_literal"],
    string_parts: PARTS,
    interpolations: &[],
    dollar_text: false,
    binary: &["binary_expression"],
    calls: &["method_invocation", "object_creation_expression"],
    assigns: &[("variable_declarator", "name", "value"), ("assignment_expression", "left", "right")],
    maps: &[],
    pairs: &[],
    wrappers: WRAPPERS,
    scopes: &["method_declaration", "constructor_declaration", "lambda_expression"],
    classes: &["class_declaration", "enum_declaration", "record_declaration", "interface_declaration"],
};

static KOTLIN: Spec = Spec {
    strings: &["string_literal", "multiline_string_literal"],
    string_parts: PARTS,
    interpolations: &["interpolation"],
    dollar_text: true,
    binary: &["binary_expression", "additive_expression", "infix_expression"],
    calls: &["call_expression"],
    assigns: &[("property_declaration", "", ""), ("assignment", "", ""), ("class_parameter", "", "")],
    maps: &[],
    pairs: &["value_argument"],
    wrappers: &["parenthesized_expression", "value_argument", "value_arguments", "call_suffix"],
    scopes: &["function_declaration", "lambda_literal", "anonymous_function"],
    classes: &["class_declaration", "object_declaration"],
};

static GO: Spec = Spec {
    strings: &["interpreted_string_literal", "raw_string_literal"],
    string_parts: PARTS,
    interpolations: &[],
    dollar_text: false,
    binary: &["binary_expression"],
    calls: &["call_expression"],
    assigns: &[
        ("const_spec", "name", "value"),
        ("var_spec", "name", "value"),
        ("short_var_declaration", "left", "right"),
        ("assignment_statement", "left", "right"),
    ],
    maps: &["literal_value"],
    pairs: &["keyed_element"],
    wrappers: WRAPPERS,
    scopes: &["function_declaration", "method_declaration", "func_literal"],
    classes: &[],
};

static RUBY: Spec = Spec {
    strings: &["string", "bare_string"],
    string_parts: PARTS,
    interpolations: &["interpolation"],
    dollar_text: false,
    binary: &["binary"],
    calls: &["call"],
    assigns: &[
        ("assignment", "left", "right"),
        ("optional_parameter", "name", "value"),
        ("keyword_parameter", "name", "value"),
    ],
    maps: &["hash"],
    pairs: &["pair"],
    wrappers: &["parenthesized_statements", "argument_list"],
    scopes: &["method", "singleton_method", "block", "do_block", "lambda"],
    classes: &["class", "module"],
};

static CSHARP: Spec = Spec {
    strings: &["string_literal", "verbatim_string_literal", "interpolated_string_expression", "raw_string_literal"],
    string_parts: PARTS,
    interpolations: &["interpolation"],
    dollar_text: false,
    binary: &["binary_expression"],
    calls: &["invocation_expression", "object_creation_expression"],
    assigns: &[("variable_declarator", "name", ""), ("assignment_expression", "left", "right")],
    maps: &["initializer_expression", "anonymous_object_creation_expression"],
    // `{ "key", k }` inside a collection initializer is an entry
    pairs: &["assignment_expression", "name_equals", "initializer_expression"],
    wrappers: WRAPPERS,
    scopes: &["method_declaration", "constructor_declaration", "lambda_expression", "local_function_statement"],
    classes: &["class_declaration", "struct_declaration", "record_declaration"],
};

static DART: Spec = Spec {
    strings: &[
        "string_literal",
        "string_literal_single_quotes",
        "string_literal_double_quotes",
        "string_literal_single_quotes_multiple",
        "string_literal_double_quotes_multiple",
        "raw_string_literal_single_quotes",
        "raw_string_literal_double_quotes",
    ],
    string_parts: PARTS,
    interpolations: &["template_substitution"],
    dollar_text: false,
    binary: &["additive_expression"],
    calls: &["call_expression"],
    assigns: &[
        ("static_final_declaration", "name", "value"),
        ("initialized_identifier", "name", "value"),
        ("initialized_variable_definition", "name", "value"),
        ("initialized_variable_declaration", "name", "value"),
        ("assignment_expression", "left", "right"),
    ],
    maps: &["set_or_map_literal"],
    pairs: &["map_element", "named_argument"],
    wrappers: WRAPPERS,
    scopes: &["function_body", "lambda_expression"],
    classes: &["class_definition", "class_declaration", "mixin_declaration"],
};

static BASH: Spec = Spec {
    strings: &["string", "raw_string", "concatenation", "word"],
    string_parts: PARTS,
    interpolations: &["expansion", "simple_expansion", "command_substitution"],
    dollar_text: false,
    binary: &[],
    calls: &["command"],
    assigns: &[("variable_assignment", "name", "value")],
    maps: &[],
    pairs: &[],
    wrappers: &[],
    scopes: &["function_definition"],
    classes: &[],
};

/// The table of a language (Rust is parsed with syn, not here).
#[must_use]
pub fn spec(lang: Lang) -> &'static Spec {
    match lang {
        Lang::Python => &PYTHON,
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => &JS,
        Lang::Php => &PHP,
        Lang::Java => &JAVA,
        Lang::Kotlin => &KOTLIN,
        Lang::Go => &GO,
        Lang::Ruby => &RUBY,
        Lang::CSharp => &CSHARP,
        Lang::Dart => &DART,
        Lang::Bash | Lang::Rust => &BASH,
    }
}
