// Harder edge cases across areas (lexer, literals, merging, execution, operation selection).
export default [
  // Literals and lexer
  ['edge/float-literal-overflow-to-infinity', '{ probe(float: 1e400) { ok } }'],
  ['edge/int-literal-with-exponent', '{ probe(int: 1e3) { ok } }'],
  ['edge/int-literal-huge', '{ probe(int: 99999999999999999999999) { ok } }'],
  ['edge/id-literal-huge-int', '{ probe(id: 99999999999999999999999) { ok } }'],
  ['edge/string-braced-escape-max', '{ probe(string: "\\u{10FFFF}") { ok } }'],
  ['edge/string-braced-escape-too-big', '{ probe(string: "\\u{110000}") { ok } }'],
  ['edge/string-braced-escape-empty', '{ probe(string: "\\u{}") { ok } }'],
  ['edge/block-string-escaped-triple-quote', '{ probe(string: """a \\""" b""") { ok } }'],
  ['edge/block-string-unterminated-after-escape', '{ probe(string: """a \\"""") { ok } }'],
  ['edge/bom-in-the-middle', '{ oldField \uFEFF __typename }'],
  ['edge/control-character-in-string', '{ probe(string: "a\u0007b") { ok } }'],
  ['edge/tab-in-string-ok', '{ probe(string: "a\tb") { ok } }'],
  ['edge/names-with-underscores', '{ _a: oldField __b: __typename _: oldField }'],
  ['edge/keywords-as-names', 'query query($query: Int) { fragment: probe(int: $query) { on: ok } } '],
  ['edge/comment-between-tokens', 'query # c1\n Q # c2\n ( # c3\n $a # c4\n : Int # c5\n ) { probe(int: $a) { ok } }'],
  ['edge/long-line-location', `{ ${'oldField '.repeat(200)} nulls { nonNull } }`],
  ['edge/enum-literal-true-is-not-boolean', '{ probe(boolean: TRUE) { ok } }'],
  ['edge/null-enum-name-invalid-in-enum-def', '{ probe(genre: NULL) { ok } }'],
  ['edge/object-literal-trailing-comma', '{ probe(filter: { genre: FICTION, }) { ok } }'],
  ['edge/list-literal-commas-only', '{ probe(ints: [,,1,,2,,]) { ok } }'],

  // Merging (from graphql-js OverlappingFieldsCanBeMerged tests)
  ['edge/overlap-deep-conflict-nearest-common-ancestor', '{ viewer { bestFriend { ...F } bestFriend { ...G } } } fragment F on User { x: name } fragment G on User { x: email }'],
  ['edge/overlap-recursive-fragment-no-loop', '{ viewer { ...F } } fragment F on User { bestFriend { ...F } }'],
  ['edge/overlap-immediately-recursive-with-conflict', '{ viewer { ...F } } fragment F on User { name x: name x: email ...F }'],
  ['edge/overlap-non-exclusive-follows-exclusive', '{ pet { ... on Dog { x: name } ... on Cat { x: nickname } } pet { x: name } }'],
  ['edge/overlap-ignores-unknown-fragments', '{ dog { name ...Unknown ...F } } fragment F on Dog { name }'],
  ['edge/overlap-ignores-unknown-types', '{ pet { ... on Unknown { x: name } ... on Dog { x: barkVolume } } }'],
  ['edge/overlap-fragment-vs-fragment-on-same-parent', '{ dog { ...A } dog { ...B } } fragment A on Dog { n: name } fragment B on Dog { n: nickname }'],
  ['edge/overlap-three-way-conflict', '{ dog { x: name x: nickname x: barkVolume } }'],
  ['edge/overlap-nested-list-same-shape', '{ scalars { matrix } scalars { matrix } }'],

  // Execution
  ['edge/skip-everything-empty-object', '{ __typename @skip(if: true) }'],
  ['edge/skip-all-subfields', '{ book(id: "b1") { title @skip(if: true) } }'],
  ['edge/nested-variables-in-lists', 'query Q($a: Int, $b: Int) { probe(matrix: [[$a], [$b, 3], $a]) { ok } }', { a: 1, b: null }],
  ['edge/variable-explicit-null-with-default', 'query Q($v: Int = 1) { probe(int: $v) { ok } }', { v: null }],
  ['edge/typename-in-fragment-on-root', 'query Q { ...R } fragment R on Query { __typename t: __typename }'],
  ['edge/mutation-typename-and-fields', 'mutation M { __typename a: touch { __typename ok } }'],
  ['edge/aliased-introspection-in-mutation-type', 'mutation M { __typename }'],
  ['edge/same-response-name-merged-across-fragments', '{ book(id: "b1") { ... on Book { author { name } } ...F } } fragment F on Book { author { bio } }'],
  ['edge/inline-fragment-on-root-type', '{ ... on Query { oldField } }'],
  ['edge/list-of-objects-nested-nonnull-present', '{ nullsList { name nested { name nonNull } } }'],
  ['edge/error-in-list-under-nonnull-list', '{ nonNullNulls { nonNullObjectsNonNull { nonNull } } }'],

  // Operation selection
  ['edge/operation-name-empty-string', '{ oldField }', null, ''],
  ['edge/operation-name-empty-string-multiple', 'query A { oldField } query B { __typename }', null, ''],
  ['edge/operation-name-case-sensitive', 'query a { oldField } query A { __typename }', null, 'A'],
  ['edge/operation-name-of-fragment', 'query A { ...F } fragment F on Query { oldField }', null, 'F'],

  // Introspection
  ['edge/introspection-schema-type', '{ __type(name: "__Schema") { name fields { name type { kind name ofType { kind name } } } } }'],
  ['edge/introspection-directive-type', '{ __type(name: "__Directive") { fields { name args { name type { kind name } defaultValue } } } }'],
  ['edge/introspection-input-value-type', '{ __type(name: "__InputValue") { fields(includeDeprecated: true) { name isDeprecated } } }'],
  ['edge/introspection-typename-of-meta', '{ __schema { __typename queryType { __typename } directives { __typename args { __typename } } } }'],
  ['edge/introspection-type-arg-null', '{ __type(name: null) { name } }'],
  ['edge/introspection-include-deprecated-variable', 'query Q($d: Boolean) { __type(name: "Genre") { enumValues(includeDeprecated: $d) { name } } }', { d: true }],
  ['edge/introspection-include-deprecated-variable-null', 'query Q($d: Boolean) { __type(name: "Genre") { enumValues(includeDeprecated: $d) { name } } }', { d: null }],
  ['edge/introspection-possible-types-order', '{ a: __type(name: "Node") { possibleTypes { name } } b: __type(name: "Entity") { possibleTypes { name } } c: __type(name: "Pet") { possibleTypes { name } } }'],
];
