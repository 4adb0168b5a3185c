// Introspection: full query, __type, __schema pieces, deprecation filtering, __typename.
import { getIntrospectionQuery } from 'graphql';

const full = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true });
const minimal = getIntrospectionQuery({ descriptions: false });
const T = (name, sel) => `{ __type(name: "${name}") { ${sel} } }`;
const FIELDS = 'name kind description fields(includeDeprecated: true) { name description isDeprecated deprecationReason args(includeDeprecated: true) { name description defaultValue isDeprecated deprecationReason type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }';

export default [
  ['introspection/full-query', full],
  ['introspection/minimal-query', minimal],
  ['introspection/schema-roots', '{ __schema { description queryType { name kind } mutationType { name } subscriptionType { name } } }'],
  ['introspection/schema-type-names', '{ __schema { types { name kind } } }'],
  ['introspection/directives', '{ __schema { directives { name description isRepeatable locations args(includeDeprecated: true) { name defaultValue type { name kind ofType { name kind } } } } } }'],
  ['introspection/type-object', T('Book', FIELDS + ' interfaces { name } possibleTypes { name }')],
  ['introspection/type-object-default-hides-deprecated', T('Book', 'fields { name isDeprecated }')],
  ['introspection/type-object-include-deprecated-false', T('Book', 'fields(includeDeprecated: false) { name }')],
  ['introspection/type-interface', T('Node', 'kind name interfaces { name } possibleTypes { name } fields { name }')],
  ['introspection/type-interface-implementing-interface', T('Entity', 'kind name description interfaces { name kind } possibleTypes { name } fields { name type { kind ofType { name } } }')],
  ['introspection/type-union', T('SearchResult', 'kind name description possibleTypes { name kind } fields { name } interfaces { name } enumValues { name } inputFields { name }')],
  ['introspection/type-enum-default', T('Genre', 'kind name description enumValues { name description isDeprecated deprecationReason }')],
  ['introspection/type-enum-include-deprecated', T('Genre', 'enumValues(includeDeprecated: true) { name isDeprecated deprecationReason }')],
  ['introspection/type-input-default', T('BookFilter', 'kind name description inputFields { name description defaultValue isDeprecated deprecationReason type { kind name ofType { kind name } } }')],
  ['introspection/type-input-include-deprecated', T('BookFilter', 'inputFields(includeDeprecated: true) { name isDeprecated deprecationReason defaultValue }')],
  ['introspection/type-input-defaults-printing', T('DefaultsInput', 'inputFields { name defaultValue }')],
  ['introspection/type-oneof', '{ a: __type(name: "BookBy") { isOneOf inputFields { name type { kind name } } } b: __type(name: "BookFilter") { isOneOf } c: __type(name: "Book") { isOneOf } }'],
  ['introspection/type-scalar-specified-by', '{ a: __type(name: "Instant") { kind name description specifiedByURL } b: __type(name: "JSON") { specifiedByURL } c: __type(name: "Int") { kind description specifiedByURL } }'],
  ['introspection/type-builtin-scalars', '{ s: __type(name: "String") { name kind description } b: __type(name: "Boolean") { name description } f: __type(name: "Float") { name } i: __type(name: "ID") { name description } }'],
  ['introspection/type-unknown', T('Nope', 'name')],
  ['introspection/type-meta', T('__Type', 'name kind fields { name args { name defaultValue } }')],
  ['introspection/type-meta-enum', T('__TypeKind', 'enumValues { name description }')],
  ['introspection/type-directive-location', T('__DirectiveLocation', 'enumValues { name }')],
  ['introspection/field-args-deprecated', T('Query', 'fields { name args { name } } ')],
  ['introspection/field-args-include-deprecated', T('Query', 'fields(includeDeprecated: true) { name isDeprecated deprecationReason args(includeDeprecated: true) { name isDeprecated deprecationReason defaultValue } }')],
  ['introspection/deprecated-default-reason', T('Query', 'fields(includeDeprecated: true) { name deprecationReason }')],
  ['introspection/arg-defaults', T('Book', 'fields { name args { name defaultValue } }')],
  ['introspection/non-null-list-wrapping', T('NullTest', 'fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } }')],
  ['introspection/type-missing-name-arg', '{ __type { name } }'],
  ['introspection/type-name-variable', 'query Q($n: String!) { __type(name: $n) { name kind } }', { n: 'Review' }],
  ['introspection/typename-on-union-members', '{ search(text: "") { __typename } nodes(ids: []) { __typename } }'],
  ['introspection/schema-and-data-together', '{ __typename oldField __type(name: "Probe") { name fields { name } } }'],
  ['introspection/schema-aliases-and-fragments', '{ s: __schema { q: queryType { ...T } } } fragment T on __Type { n: name k: kind }'],
  ['introspection/type-fields-on-scalar-are-null', T('Int', 'fields { name } interfaces { name } possibleTypes { name } enumValues { name } inputFields { name } ofType { name }')],
  ['introspection/schema-in-mutation-fails', 'mutation { __schema { queryType { name } } }'],
  ['introspection/type-field-unknown', '{ __schema { queryType { notAField } } }'],
  ['introspection/description-block-string', T('Book', 'description') + ' { __schema { description } }'.slice(0, 0)],
  ['introspection/directive-args-defaults', '{ __schema { directives { name args { name defaultValue description } } } }'],
];
