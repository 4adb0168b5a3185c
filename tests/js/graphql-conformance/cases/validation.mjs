// Validation: every rule of GraphQL spec section 5 (graphql-js specifiedRules), passing and failing variants.
// Each entry: [name, query, variables?, operationName?]
export default [
  // 5.1.1 Executable definitions
  ['executable-definitions/ok-query-and-fragment', 'query Q { dog { ...F } } fragment F on Dog { name }'],
  ['executable-definitions/fail-type-definition', 'query Q { dog { name } } type Foo { x: Int }'],
  ['executable-definitions/fail-schema-definition', '{ dog { name } } schema { query: Query }'],
  ['executable-definitions/fail-extension', '{ dog { name } } extend type Dog { color: String }'],
  ['executable-definitions/fail-directive-definition', '{ dog { name } } directive @x on FIELD'],
  ['executable-definitions/fail-only-sdl', 'scalar Foo'],

  // 5.2.1.1 Operation name uniqueness
  ['unique-operation-names/ok-distinct', 'query A { dog { name } } query B { pet { name } }', null, 'A'],
  ['unique-operation-names/fail-duplicate-query', 'query A { dog { name } } query A { pet { name } }', null, 'A'],
  ['unique-operation-names/fail-query-and-mutation', 'query A { dog { name } } mutation A { deleteBook(id: 1) }', null, 'A'],
  ['unique-operation-names/fail-three', 'query A { dog { name } } query A { dog { name } } subscription A { reviewAdded { id } }'],
  ['unique-operation-names/ok-fragment-same-name', 'query Foo { dog { ...Foo } } fragment Foo on Dog { name }'],

  // 5.2.2.1 Lone anonymous operation
  ['lone-anonymous/ok-single', '{ dog { name } }'],
  ['lone-anonymous/ok-with-fragment', '{ dog { ...F } } fragment F on Dog { name }'],
  ['lone-anonymous/fail-two-anonymous', '{ dog { name } } { pet { name } }'],
  ['lone-anonymous/fail-anonymous-and-named', '{ dog { name } } query Named { pet { name } }'],
  ['lone-anonymous/fail-anonymous-mutation-and-query', 'mutation { touch { ok } } { dog { name } }'],

  // 5.2.3.1 Single root field subscriptions
  ['single-field-subscription/ok', 'subscription S { bookAdded { title } }'],
  ['single-field-subscription/ok-fragment', 'subscription S { ...F } fragment F on Subscription { reviewAdded { id } }'],
  ['single-field-subscription/fail-two-fields', 'subscription S { bookAdded { title } reviewAdded { id } }'],
  ['single-field-subscription/fail-via-fragment', 'subscription S { ...F } fragment F on Subscription { bookAdded { title } reviewAdded { id } }'],
  ['single-field-subscription/fail-typename-root', 'subscription S { __typename }'],
  ['single-field-subscription/fail-anonymous-two-fields', 'subscription { bookAdded { id } reviewAdded { id } }'],
  ['single-field-subscription/ok-same-field-aliased-same', 'subscription S { bookAdded { id } bookAdded { title } }'],

  // 5.4.1 Known type names (and 5.5.1.2 fragments)
  ['known-type-names/ok', 'query Q($g: Genre, $f: BookFilter) { books(filter: $f) { ... on Book { title } } probe(genre: $g) { ok } }'],
  ['known-type-names/fail-variable-type', 'query Q($x: Unknown) { dog { name } }'],
  ['known-type-names/fail-list-variable-type', 'query Q($x: [Missing!]) { dog { name } }'],
  ['known-type-names/fail-fragment-type', '{ dog { ...F } } fragment F on Hamster { name }'],
  ['known-type-names/fail-inline-fragment-type', '{ dog { ... on Hamster { name } } }'],
  ['known-type-names/fail-introspection-type-as-var', 'query Q($x: __Type) { dog { name } }'],

  // 5.5.1.3 Fragments on composite types
  ['fragments-on-composite/ok-object', '{ dog { ... on Dog { name } } }'],
  ['fragments-on-composite/ok-interface', '{ dog { ... on Pet { name } } }'],
  ['fragments-on-composite/ok-union', '{ search(text: "x") { ... on SearchResult { __typename } } }'],
  ['fragments-on-composite/ok-no-type-condition', '{ dog { ... { name } } }'],
  ['fragments-on-composite/fail-scalar-inline', '{ dog { ... on Boolean { x } } }'],
  ['fragments-on-composite/fail-enum-fragment', '{ dog { ...F } } fragment F on Genre { x }'],
  ['fragments-on-composite/fail-input-fragment', '{ dog { ...F } } fragment F on BookFilter { genre }'],

  // 5.8.2 Variables are input types
  ['variables-input-types/ok', 'query Q($a: String, $b: [String!]!, $c: BookFilter, $d: Genre) { probe(string: $a, filter: $c, genre: $d) { ok } required(req: 1, reqList: $b) { ok } }', { b: ['x'] }],
  ['variables-input-types/fail-object', 'query Q($a: Dog) { dog { name } }'],
  ['variables-input-types/fail-union-list', 'query Q($a: [[SearchResult!]]!) { dog { name } }'],
  ['variables-input-types/fail-interface-nonnull', 'query Q($a: Pet!) { dog { name } }'],

  // 5.3.3 Leaf field selections
  ['scalar-leafs/ok', '{ dog { barkVolume } }'],
  ['scalar-leafs/fail-object-without-selection', '{ dog }'],
  ['scalar-leafs/fail-nested-object-without-selection', '{ dog { owner } }'],
  ['scalar-leafs/fail-scalar-with-selection', '{ dog { barkVolume { sinceWhen } } }'],
  ['scalar-leafs/fail-enum-with-selection', '{ book(id: "b1") { genre { name } } }'],
  ['scalar-leafs/fail-interface-without-selection', '{ pet }'],
  ['scalar-leafs/fail-union-list-without-selection', '{ search(text: "a") }'],
  ['scalar-leafs/fail-scalar-with-args-selection', '{ dog { doesKnowCommand(dogCommand: SIT) { x } } }'],

  // 5.3.1 Fields on correct type
  ['fields-on-correct-type/ok-alias', '{ dog { tn: __typename otherName: name } }'],
  ['fields-on-correct-type/fail-unknown-field', '{ dog { meowVolume } }'],
  ['fields-on-correct-type/fail-unknown-aliased', '{ dog { volume: meowVolume } }'],
  ['fields-on-correct-type/fail-on-interface', '{ pet { nickname } }'],
  ['fields-on-correct-type/ok-interface-field', '{ pet { name } }'],
  ['fields-on-correct-type/fail-union-direct-field', '{ search(text: "a") { name } }'],
  ['fields-on-correct-type/ok-union-typename', '{ search(text: "a") { __typename } }'],
  ['fields-on-correct-type/fail-root-unknown', '{ unknownRoot }'],
  ['fields-on-correct-type/fail-in-fragment', '{ dog { ...F } } fragment F on Dog { meowVolume }'],
  ['fields-on-correct-type/fail-nested-unknown-parent', '{ nope { stillNope } }'],
  ['fields-on-correct-type/fail-mutation-unknown', 'mutation { notAMutation }'],
  ['fields-on-correct-type/fail-schema-meta-on-non-root', '{ dog { __schema { queryType { name } } } }'],

  // 5.5.1.1 Fragment name uniqueness
  ['unique-fragment-names/ok', '{ dog { ...A ...B } } fragment A on Dog { name } fragment B on Dog { nickname }'],
  ['unique-fragment-names/fail-duplicate', '{ dog { ...A } } fragment A on Dog { name } fragment A on Dog { nickname }'],
  ['unique-fragment-names/fail-triple', '{ dog { ...A } } fragment A on Dog { name } fragment A on Dog { name } fragment A on Pet { name }'],

  // 5.5.2.1 Fragment spread target defined
  ['known-fragment-names/ok', '{ dog { ...A } } fragment A on Dog { name }'],
  ['known-fragment-names/fail-unknown', '{ dog { ...Missing } }'],
  ['known-fragment-names/fail-unknown-nested', '{ dog { ...A } } fragment A on Dog { name ...Missing owner { ...AlsoMissing } }'],

  // 5.5.1.4 Fragments must be used
  ['no-unused-fragments/ok-transitively-used', '{ dog { ...A } } fragment A on Dog { ...B } fragment B on Dog { name }'],
  ['no-unused-fragments/fail-unused', '{ dog { name } } fragment Unused on Dog { name }'],
  ['no-unused-fragments/fail-unused-cycle', '{ dog { name } } fragment A on Dog { ...B } fragment B on Dog { name }'],
  ['no-unused-fragments/ok-used-by-other-operation', 'query A { dog { name } } query B { dog { ...F } } fragment F on Dog { name }', null, 'A'],

  // 5.5.2.3 Fragment spread is possible
  ['possible-fragment-spreads/ok-same-object', '{ dog { ...F } } fragment F on Dog { name }'],
  ['possible-fragment-spreads/ok-object-in-interface', '{ pet { ... on Dog { barkVolume } } }'],
  ['possible-fragment-spreads/ok-interface-in-object', '{ dog { ... on Pet { name } } }'],
  ['possible-fragment-spreads/ok-union-member', '{ search(text: "x") { ... on Book { title } } }'],
  ['possible-fragment-spreads/ok-interface-in-union', '{ search(text: "x") { ... on Node { id } } }'],
  ['possible-fragment-spreads/ok-interface-in-interface', '{ node(id: "b1") { ... on Entity { name } } }'],
  ['possible-fragment-spreads/ok-union-in-interface', '{ node(id: "b1") { ... on SearchResult { __typename } } }'],
  ['possible-fragment-spreads/fail-object-in-object', '{ dog { ... on Cat { meowVolume } } }'],
  ['possible-fragment-spreads/fail-named-object-in-object', '{ dog { ...C } } fragment C on Cat { meowVolume }'],
  ['possible-fragment-spreads/fail-object-in-union', '{ search(text: "x") { ... on Dog { name } } }'],
  ['possible-fragment-spreads/fail-union-in-object', '{ dog { ... on SearchResult { __typename } } }'],
  ['possible-fragment-spreads/fail-interface-in-union', '{ search(text: "x") { ... on Pet { name } } }'],
  ['possible-fragment-spreads/ok-union-in-overlapping-union', '{ search(text: "x") { ... on Reviewer { __typename } } }'],
  ['possible-fragment-spreads/fail-interface-in-interface', '{ pet { ... on Entity { name } } }'],
  ['possible-fragment-spreads/fail-object-in-interface', '{ pet { ... on Book { title } } }'],

  // 5.5.2.2 Fragment spreads must not form cycles
  ['no-fragment-cycles/ok-no-cycle', '{ dog { ...A } } fragment A on Dog { ...B } fragment B on Dog { name }'],
  ['no-fragment-cycles/fail-self', '{ dog { ...A } } fragment A on Dog { name ...A }'],
  ['no-fragment-cycles/fail-two', '{ dog { ...A } } fragment A on Dog { ...B } fragment B on Dog { ...A }'],
  ['no-fragment-cycles/fail-deep', '{ dog { ...A } } fragment A on Dog { ...B } fragment B on Dog { ...C } fragment C on Dog { ...A }'],
  ['no-fragment-cycles/fail-nested-field', '{ dog { ...A } } fragment A on Dog { owner { ...U } } fragment U on User { bestFriend { ...U2 } } fragment U2 on User { ...U }'],
  ['no-fragment-cycles/fail-inline-fragment', '{ dog { ...A } } fragment A on Dog { ... on Dog { ...A } }'],

  // 5.8.1 Variable uniqueness
  ['unique-variable-names/ok', 'query Q($a: Int, $b: Int) { probe(int: $a) { ok } p2: probe(int: $b) { ok } }'],
  ['unique-variable-names/fail-duplicate', 'query Q($a: Int, $a: Int) { probe(int: $a) { ok } }'],
  ['unique-variable-names/fail-duplicate-different-types', 'query Q($a: Int, $a: String, $a: Int) { probe(int: $a) { ok } }'],

  // 5.8.3 All variable uses defined
  ['no-undefined-variables/ok', 'query Q($a: Int) { probe(int: $a) { ok } }'],
  ['no-undefined-variables/fail-undefined', 'query Q { probe(int: $a) { ok } }'],
  ['no-undefined-variables/fail-anonymous', '{ probe(int: $a, string: $b) { ok } }'],
  ['no-undefined-variables/fail-in-fragment', 'query Q { ...F } fragment F on Query { probe(int: $missing) { ok } }'],
  ['no-undefined-variables/fail-in-directive', 'query Q { dog @include(if: $cond) { name } }'],
  ['no-undefined-variables/fail-in-input-object', 'query Q { probe(filter: { titleContains: $t, author: { name: $n } }) { ok } }'],
  ['no-undefined-variables/ok-fragment-multiple-ops', 'query A($a: Int) { ...F } query B($a: Int) { ...F } fragment F on Query { probe(int: $a) { ok } }', null, 'B'],
  ['no-undefined-variables/fail-fragment-one-op', 'query A($a: Int) { ...F } query B { ...F } fragment F on Query { probe(int: $a) { ok } }', null, 'A'],

  // 5.8.4 All variables used
  ['no-unused-variables/ok-used-in-fragment', 'query Q($a: Int) { ...F } fragment F on Query { probe(int: $a) { ok } }'],
  ['no-unused-variables/fail-unused', 'query Q($a: Int) { dog { name } }'],
  ['no-unused-variables/fail-two-unused', 'query Q($a: Int, $b: String, $c: Boolean) { probe(string: $b) { ok } }'],
  ['no-unused-variables/fail-used-only-in-other-op', 'query A($a: Int) { dog { name } } query B($a: Int) { probe(int: $a) { ok } }', null, 'A'],
  ['no-unused-variables/ok-used-in-directive', 'query Q($c: Boolean!) { dog @skip(if: $c) { name } }', { c: false }],
  ['no-unused-variables/ok-used-in-list-and-object', 'query Q($a: Int, $t: String) { probe(ints: [1, $a], filter: { titleContains: $t }) { ok } }'],

  // 5.7.1 Directives are defined
  ['known-directives/ok-builtin', '{ dog @include(if: true) { name @skip(if: false) } }'],
  ['known-directives/ok-custom', '{ dog @cache(maxAge: 5) { name } }'],
  ['known-directives/fail-unknown', '{ dog @unknown { name } }'],
  ['known-directives/fail-unknown-on-fragment', '{ dog { ...F @nope } } fragment F on Dog @nope2 { name }'],
  ['known-directives/fail-unknown-on-variable', 'query Q($a: Int @what) { probe(int: $a) { ok } }'],

  // 5.7.2 Directives are in valid locations
  ['directives-in-valid-locations/ok-tag-everywhere', 'query Q($a: Int @tag(name: "v")) @tag(name: "q") { probe(int: $a) @tag(name: "f") { ok } ...F @tag(name: "s") ... @tag(name: "i") { dog { name } } } fragment F on Query @tag(name: "d") { oldField }'],
  ['directives-in-valid-locations/fail-skip-on-query', 'query Q @skip(if: true) { dog { name } }'],
  ['directives-in-valid-locations/fail-include-on-fragment-definition', '{ dog { ...F } } fragment F on Dog @include(if: true) { name }'],
  ['directives-in-valid-locations/fail-type-system-directive', '{ dog @auth { name } }'],
  ['directives-in-valid-locations/fail-deprecated-on-field', '{ dog { name @deprecated } }'],
  ['directives-in-valid-locations/fail-cache-on-mutation', 'mutation M @cache { touch { ok } }'],
  ['directives-in-valid-locations/fail-skip-on-variable', 'query Q($a: Int @skip(if: true)) { probe(int: $a) { ok } }'],
  ['directives-in-valid-locations/fail-specifiedby-on-field', '{ dog { name @specifiedBy(url: "x") } }'],
  ['directives-in-valid-locations/ok-tag-on-subscription', 'subscription S @tag(name: "s") { bookAdded @tag(name: "f") { title } }'],

  // 5.7.3 Directives are unique per location
  ['unique-directives/ok-different', '{ dog @include(if: true) @skip(if: false) { name } }'],
  ['unique-directives/fail-duplicate-skip', '{ dog @skip(if: false) @skip(if: false) { name } }'],
  ['unique-directives/fail-duplicate-include-on-fragment-spread', '{ dog { ...F @include(if: true) @include(if: true) } } fragment F on Dog { name }'],
  ['unique-directives/ok-repeatable', '{ dog @tag(name: "a") @tag(name: "b") { name } }'],
  ['unique-directives/fail-triple-cache', '{ dog @cache @cache @cache { name } }'],
  ['unique-directives/ok-same-directive-different-locations', '{ dog @skip(if: false) { name @skip(if: false) } }'],

  // 5.4.1 Argument names
  ['known-argument-names/ok', '{ dog { doesKnowCommand(dogCommand: SIT) } }'],
  ['known-argument-names/fail-unknown-field-arg', '{ dog { doesKnowCommand(command: SIT) } }'],
  ['known-argument-names/fail-unknown-directive-arg', '{ dog @skip(unless: true) { name } }'],
  ['known-argument-names/fail-arg-on-argless-field', '{ dog { nickname(short: true) } }'],
  ['known-argument-names/fail-two-unknown', '{ books(size: 1, page: 2) { title } }'],
  ['known-argument-names/ok-args-any-order', '{ dog { isHouseTrained(atOtherHomes: true) } required(opt: 1, reqList: ["a"], req: 2) { ok } }'],
  ['known-argument-names/fail-unknown-on-unknown-field-only-reports-field', '{ dog { unknownField(x: 1) } }'],

  // 5.4.2 Argument uniqueness
  ['unique-argument-names/ok', '{ probe(int: 1, float: 2.0) { ok } }'],
  ['unique-argument-names/fail-duplicate', '{ probe(int: 1, int: 2) { ok } }'],
  ['unique-argument-names/fail-triple', '{ probe(int: 1, int: 2, int: 3) { ok } }'],
  ['unique-argument-names/fail-directive-duplicate', '{ dog @include(if: true, if: false) { name } }'],

  // 5.4.2.1 Required arguments
  ['provided-required-arguments/ok', '{ required(req: 1, reqList: []) { ok } }'],
  ['provided-required-arguments/fail-missing-one', '{ required(reqList: ["a"]) { ok } }'],
  ['provided-required-arguments/fail-missing-both', '{ required { ok } }'],
  ['provided-required-arguments/ok-nonnull-with-default-omitted', '{ requiredWithDefault { ok } }'],
  ['provided-required-arguments/fail-directive-missing-if', '{ dog @include { name } }'],
  ['provided-required-arguments/fail-tag-missing-name', '{ dog @tag { name } }'],
  ['provided-required-arguments/fail-explicit-null-required', '{ required(req: null, reqList: []) { ok } }'],
  ['provided-required-arguments/ok-optional-omitted', '{ probe { ok } }'],

  // 5.6.1 Values of correct type (literals)
  ['values-of-correct-type/ok-int', '{ probe(int: 2147483647) { ok } }'],
  ['values-of-correct-type/fail-int-overflow', '{ probe(int: 2147483648) { ok } }'],
  ['values-of-correct-type/ok-int-min', '{ probe(int: -2147483648) { ok } }'],
  ['values-of-correct-type/fail-int-underflow', '{ probe(int: -2147483649) { ok } }'],
  ['values-of-correct-type/fail-float-into-int', '{ probe(int: 1.0) { ok } }'],
  ['values-of-correct-type/fail-string-into-int', '{ probe(int: "1") { ok } }'],
  ['values-of-correct-type/ok-int-into-float', '{ probe(float: 1) { ok } }'],
  ['values-of-correct-type/ok-exponent-float', '{ probe(float: 1.5e3) { ok } }'],
  ['values-of-correct-type/fail-string-into-float', '{ probe(float: "1.5") { ok } }'],
  ['values-of-correct-type/fail-int-into-string', '{ probe(string: 1) { ok } }'],
  ['values-of-correct-type/fail-enum-into-string', '{ probe(string: FICTION) { ok } }'],
  ['values-of-correct-type/fail-int-into-boolean', '{ probe(boolean: 1) { ok } }'],
  ['values-of-correct-type/fail-string-into-boolean', '{ probe(boolean: "true") { ok } }'],
  ['values-of-correct-type/ok-int-into-id', '{ probe(id: 123) { ok } }'],
  ['values-of-correct-type/ok-string-into-id', '{ probe(id: "abc") { ok } }'],
  ['values-of-correct-type/fail-float-into-id', '{ probe(id: 1.5) { ok } }'],
  ['values-of-correct-type/fail-boolean-into-id', '{ probe(id: true) { ok } }'],
  ['values-of-correct-type/ok-enum', '{ probe(genre: HISTORY) { ok } }'],
  ['values-of-correct-type/ok-deprecated-enum', '{ probe(genre: SCIFI) { ok } }'],
  ['values-of-correct-type/fail-string-into-enum', '{ probe(genre: "FICTION") { ok } }'],
  ['values-of-correct-type/fail-unknown-enum', '{ probe(genre: FANTASY) { ok } }'],
  ['values-of-correct-type/fail-lowercase-enum', '{ probe(genre: fiction) { ok } }'],
  ['values-of-correct-type/fail-wrong-enum-type', '{ dog { doesKnowCommand(dogCommand: FICTION) } }'],
  ['values-of-correct-type/fail-boolean-into-enum', '{ probe(genre: true) { ok } }'],
  ['values-of-correct-type/ok-null-into-nullable', '{ probe(int: null, string: null, filter: null) { ok } }'],
  ['values-of-correct-type/fail-null-into-non-null-list-item', '{ probe(nonNullInts: [1, null]) { ok } }'],
  ['values-of-correct-type/ok-single-value-for-list', '{ probe(ints: 1, nonNullInts: 2) { ok } }'],
  ['values-of-correct-type/fail-single-bad-value-for-list', '{ probe(ints: "a") { ok } }'],
  ['values-of-correct-type/fail-bad-list-item', '{ probe(ints: [1, "two", 3.5]) { ok } }'],
  ['values-of-correct-type/ok-nested-list', '{ probe(matrix: [[1], [2, null], null, 3]) { ok } }'],
  ['values-of-correct-type/fail-nested-list-item', '{ probe(matrix: [[1, "x"]]) { ok } }'],
  ['values-of-correct-type/ok-custom-scalar-any-literal', '{ probe(date: "2020-01-01", json: { a: [1, 2.5, "s", true, null, ENUMISH] }) { ok } }'],
  ['values-of-correct-type/ok-custom-scalar-int-literal', '{ probe(date: 5) { ok } }'],
  ['values-of-correct-type/ok-input-object', '{ probe(filter: { genre: FICTION, minPages: 10, author: { name: "U" }, tags: ["a"], published: { from: "x" } }) { ok } }'],
  ['values-of-correct-type/fail-input-object-unknown-field', '{ probe(filter: { genr: FICTION }) { ok } }'],
  ['values-of-correct-type/fail-input-object-missing-required-field', '{ probe(filter: { author: { nameMatch: "x" } }) { ok } }'],
  ['values-of-correct-type/fail-input-object-null-required-field', '{ probe(filter: { published: { from: null } }) { ok } }'],
  ['values-of-correct-type/fail-input-object-from-scalar', '{ probe(filter: "fiction") { ok } }'],
  ['values-of-correct-type/fail-input-object-from-list', '{ probe(filter: [{ genre: FICTION }]) { ok } }'],
  ['values-of-correct-type/fail-input-object-nested-bad-type', '{ probe(filter: { author: { name: 5 } }) { ok } }'],
  ['values-of-correct-type/ok-recursive-input', '{ probe(tree: { value: 1, left: { value: 2 }, children: [{ value: 3, children: [] }] }) { ok } }'],
  ['values-of-correct-type/fail-recursive-input-deep-missing', '{ probe(tree: { value: 1, children: [{ value: 2 }, { left: { value: 3 } }] }) { ok } }'],
  ['values-of-correct-type/fail-scalar-into-object-field-list', '{ probe(filter: { tags: [1] }) { ok } }'],
  ['values-of-correct-type/ok-defaults-input-empty', '{ probe(defaults: {}) { ok } }'],
  ['values-of-correct-type/ok-deprecated-input-field', '{ probe(filter: { legacy: true }) { ok } }'],
  ['values-of-correct-type/fail-variable-in-const-position-still-typed', 'query Q($v: String) { probe(int: $v) { ok } }'],
  ['values-of-correct-type/fail-multiple-errors-one-arg', '{ probe(filter: { genre: 1, minPages: "2", author: {} }) { ok } }'],

  // OneOf input objects
  ['oneof/ok-one-field', '{ book(by: { id: "b1" }) { title } }'],
  ['oneof/fail-two-fields', '{ book(by: { id: "b1", title: "x" }) { title } }'],
  ['oneof/fail-no-fields', '{ book(by: {}) { title } }'],
  ['oneof/fail-null-field', '{ book(by: { id: null }) { title } }'],
  ['oneof/ok-variable-nonnull', 'query Q($id: ID!) { book(by: { id: $id }) { title } }', { id: 'b1' }],
  ['oneof/fail-variable-nullable', 'query Q($id: ID) { book(by: { id: $id }) { title } }', { id: 'b1' }],
  ['oneof/ok-whole-variable', 'query Q($by: BookBy) { book(by: $by) { title } }', { by: { isbn: 'x' } }],
  ['oneof/fail-whole-variable-two-fields', 'query Q($by: BookBy) { book(by: $by) { title } }', { by: { isbn: 'x', id: '1' } }],
  ['oneof/fail-whole-variable-empty', 'query Q($by: BookBy) { book(by: $by) { title } }', { by: {} }],
  ['oneof/fail-whole-variable-null-field', 'query Q($by: BookBy) { book(by: $by) { title } }', { by: { id: null } }],
  ['oneof/fail-unknown-field', '{ book(by: { author: "x" }) { title } }'],
  ['oneof/fail-wrong-type', '{ book(by: { id: true }) { title } }'],
  ['oneof/ok-in-probe-with-default-var', 'query Q($t: String! = "T") { probe(by: { title: $t }) { ok } }'],
  ['oneof/fail-variable-with-default-nullable', 'query Q($t: String = "T") { probe(by: { title: $t }) { ok } }'],

  // 5.6.3 Input object field uniqueness
  ['unique-input-field-names/ok', '{ probe(filter: { genre: FICTION, author: { name: "x", nameMatch: "y" } }) { ok } }'],
  ['unique-input-field-names/fail-duplicate', '{ probe(filter: { genre: FICTION, genre: POETRY }) { ok } }'],
  ['unique-input-field-names/fail-nested-duplicate', '{ probe(filter: { author: { name: "a", name: "b" } }) { ok } }'],
  ['unique-input-field-names/fail-triple', '{ probe(tree: { value: 1, value: 2, value: 3 }) { ok } }'],
  ['unique-input-field-names/ok-same-name-different-objects', '{ probe(tree: { value: 1, left: { value: 2 } }) { ok } }'],

  // 5.8.5 All variable usages are allowed
  ['variables-in-allowed-position/ok-same-type', 'query Q($a: Int) { probe(int: $a) { ok } }'],
  ['variables-in-allowed-position/ok-nonnull-into-nullable', 'query Q($a: Int!) { probe(int: $a) { ok } }', { a: 1 }],
  ['variables-in-allowed-position/fail-nullable-into-nonnull', 'query Q($a: Int) { required(req: $a, reqList: []) { ok } }'],
  ['variables-in-allowed-position/ok-nullable-with-default-into-nonnull', 'query Q($a: Int = 1) { required(req: $a, reqList: []) { ok } }'],
  ['variables-in-allowed-position/fail-nullable-null-default-into-nonnull', 'query Q($a: Int = null) { required(req: $a, reqList: []) { ok } }'],
  ['variables-in-allowed-position/ok-nullable-into-nonnull-arg-with-default', 'query Q($a: Int) { requiredWithDefault(arg: $a) { ok } }'],
  ['variables-in-allowed-position/fail-wrong-scalar', 'query Q($a: String) { probe(int: $a) { ok } }'],
  ['variables-in-allowed-position/fail-int-into-float', 'query Q($a: Int) { probe(float: $a) { ok } }'],
  ['variables-in-allowed-position/fail-id-from-string-var', 'query Q($a: String) { probe(id: $a) { ok } }'],
  ['variables-in-allowed-position/ok-item-into-list-item', 'query Q($a: Int) { probe(ints: [$a]) { ok } }'],
  ['variables-in-allowed-position/fail-list-into-item', 'query Q($a: [Int]) { probe(int: $a) { ok } }'],
  ['variables-in-allowed-position/fail-item-into-list', 'query Q($a: Int) { probe(ints: $a) { ok } }'],
  ['variables-in-allowed-position/fail-nullable-item-into-nonnull-item', 'query Q($a: [Int]) { probe(nonNullInts: $a) { ok } }'],
  ['variables-in-allowed-position/ok-nonnull-list-into-nullable-list', 'query Q($a: [Int!]!) { probe(ints: $a) { ok } }', { a: [1] }],
  ['variables-in-allowed-position/fail-in-directive', 'query Q($b: Boolean) { dog @include(if: $b) { name } }'],
  ['variables-in-allowed-position/ok-in-directive-with-default', 'query Q($b: Boolean = true) { dog @include(if: $b) { name } }'],
  ['variables-in-allowed-position/fail-in-fragment', 'query Q($a: String) { ...F } fragment F on Query { required(req: $a, reqList: []) { ok } }'],
  ['variables-in-allowed-position/fail-in-input-field', 'query Q($n: String) { probe(filter: { author: { name: $n } }) { ok } }'],
  ['variables-in-allowed-position/ok-input-field-with-default', 'query Q($m: Int) { probe(filter: { minPages: $m }) { ok } }'],
  ['variables-in-allowed-position/fail-enum-mismatch', 'query Q($c: DogCommand) { probe(genre: $c) { ok } }'],
  ['variables-in-allowed-position/fail-input-type-mismatch', 'query Q($f: ReviewFilter) { probe(filter: $f) { ok } }'],
  ['variables-in-allowed-position/ok-nested-list', 'query Q($m: [[Int]]) { probe(matrix: $m) { ok } }'],
  ['variables-in-allowed-position/fail-list-depth', 'query Q($m: [Int]) { probe(matrix: $m) { ok } }'],

  // Max introspection depth (graphql-js specifiedRules include it)
  ['max-introspection-depth/ok-two-levels', '{ __schema { types { fields { type { fields { name } } } } } }'],
  ['max-introspection-depth/fail-fields-too-deep', '{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }'],
  ['max-introspection-depth/fail-interfaces-too-deep', '{ __type(name: "Author") { interfaces { interfaces { interfaces { interfaces { name } } } } } }'],
];
