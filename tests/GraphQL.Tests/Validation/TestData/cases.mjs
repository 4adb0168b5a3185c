// Validation test cases. Expected errors are NOT written here: generate.mjs runs graphql-js 16 on every case and
// stores its exact errors (messages and locations) in expected/<Rule>.json, which the C# tests compare against.
// Each case: [name, document, schema?] where schema names a .graphql file in this folder (default: harness).
import { readFileSync } from 'node:fs';

const language = (file) => readFileSync(new URL(`../../Language/TestData/${file}`, import.meta.url), 'utf8');

export const cases = {
  // Documents exercising many rules at once; only compared with graphql-js's full specifiedRules run.
  AllRules: [
    ['kitchen sink on harness', language('kitchen-sink.graphql')],
    ['kitchen sink on directives schema', language('kitchen-sink.graphql'), 'directives'],
    ['schema kitchen sink', language('schema-kitchen-sink.graphql')],
    ['schema kitchen sink on directives schema', language('schema-kitchen-sink.graphql'), 'directives'],
    ['introspection query', readFileSync(new URL('introspection.graphql', import.meta.url), 'utf8')],
    ['many errors in one operation', `query Q($a: Int, $a: String, $unused: Dog, $n: Int) {
  dog @unknown(x: 1) @skip(if: $a) @skip(if: true) {
    name(surname: "yes", surname: false, bogus: 1)
    name: nickname
    doesKnowCommand(dogCommand: "SIT")
    ...CatFields
    ... on Human { name }
    mother
    barks { x }
  }
  complicatedArgs {
    multipleReqs(req1: $n)
    complexArgField(complexArg: { intField: "x", nope: 1, intField: 2 })
    oneOfArgField(oneOfArg: { stringField: $a, intField: 1 })
  }
  ...Missing
}
fragment CatFields on Cat { meows ...CatFields }
fragment CatFields on Cat { meows }
fragment Unused on Boolean { x }
{ anonymous }
subscription { a b }`],
    ['variables through fragments in several operations', `query A($x: Int!, $y: String) { ...F dog { ...G } }
query B($x: String) { ...F }
fragment F on QueryRoot { complicatedArgs { intArgField(intArg: $x) stringArgField(stringArg: $y) } }
fragment G on Dog { isAtLocation(x: $x, y: $z) }`],
    ['directives on every executable location', `query Q($v: Boolean = true @skip(if: true)) @include(if: true) { dog @onField { ... @onField { name } ...F @onField } }
fragment F on Dog @skip(if: $v) { name }`],
    ['oneOf inputs in defaults and lists', `query ($o: OneOfInput = { stringField: "a", intField: 1 }, $p: OneOfInput) { complicatedArgs { oneOfArgField(oneOfArg: $p) a: oneOfArgField(oneOfArg: { intField: null }) b: oneOfArgField(oneOfArg: [{ intField: 1 }]) } }`],
    ['introspection meta fields in odd places', `{ __typename dog { __typename __schema { types { name } } } __type(name: 1) { fields { type { fields { type { fields { name } } } } } } }`],
    ['type system extensions mixed with operations', `extend type Dog @onField { extra: Unknown }
directive @local(arg: Int!) repeatable on FIELD
query { dog @local @local(arg: "x") { name } }`],
  ],
  ExecutableDefinitionsRule: [
    ['only operation', `query Foo { dog { name } }`],
    ['operation and fragment', `query Foo { dog { name ...Frag } }\nfragment Frag on Dog { name }`],
    ['type definition', `query Foo { dog { name } }\ntype Cow { name: String }\nextend type Dog { color: String }`],
    ['schema definition', `schema { query: Query }\ntype Query { test: String }\nextend schema @directive`],
    ['directive definition', `directive @d on FIELD\n{ dog { name } }`],
  ],
  UniqueOperationNamesRule: [
    ['no operations', `fragment fragA on Type { field }`],
    ['one anon operation', `{ field }`],
    ['one named operation', `query Foo { field }`],
    ['multiple operations', `query Foo { field }\nquery Bar { field }`],
    ['multiple operations of different types', `query Foo { field }\nmutation Bar { field }\nsubscription Baz { field }`],
    ['fragment and operation named the same', `query Foo { ...Foo }\nfragment Foo on Type { field }`],
    ['multiple operations of same name', `query Foo { fieldA }\nquery Foo { fieldB }`],
    ['multiple ops of same name of different types (mutation)', `query Foo { fieldA }\nmutation Foo { fieldB }`],
    ['multiple ops of same name of different types (subscription)', `query Foo { fieldA }\nsubscription Foo { fieldB }`],
    ['three of the same name', `query Foo { a }\nquery Foo { b }\nquery Foo { c }`],
  ],
  LoneAnonymousOperationRule: [
    ['no operations', `fragment fragA on Type { field }`],
    ['one anon operation', `{ field }`],
    ['multiple named operations', `query Foo { field }\nquery Bar { field }`],
    ['anon operation with fragment', `{ ...Foo }\nfragment Foo on Type { field }`],
    ['multiple anon operations', `{ fieldA }\n{ fieldB }`],
    ['anon operation with a mutation', `{ fieldA }\nmutation Foo { fieldB }`],
    ['anon operation with a subscription', `{ fieldA }\nsubscription Foo { fieldB }`],
  ],
  KnownOperationTypesRule: [
    ['query', `{ dog { name } }`],
    ['mutation without mutation type', `mutation { dog { name } }`],
    ['subscription without subscription type', `subscription S { dog { name } }`],
    ['all kinds on full schema', `query A { dummy } mutation B { dummy } subscription C { dummy }`, 'directives'],
  ],
  SingleFieldSubscriptionsRule: [
    ['valid subscription', `subscription ImportantEmails { importantEmails }`, 'subscription'],
    ['valid subscription with fragment', `subscription sub { ...newMessageFields }\nfragment newMessageFields on SubscriptionRoot { newMessage { body sender } }`, 'subscription'],
    ['valid subscription with fragment and field', `subscription sub { newMessage { body } ...newMessageFields }\nfragment newMessageFields on SubscriptionRoot { newMessage { body sender } }`, 'subscription'],
    ['fails with more than one root field', `subscription ImportantEmails {\n  importantEmails\n  notImportantEmails\n}`, 'subscription'],
    ['fails with more than one root field including introspection', `subscription ImportantEmails {\n  importantEmails\n  __typename\n}`, 'subscription'],
    ['fails with more than one root field including aliased introspection via fragment', `subscription ImportantEmails {\n  importantEmails\n  ...Introspection\n}\nfragment Introspection on SubscriptionRoot {\n  typename: __typename\n}`, 'subscription'],
    ['fails with many more than one root field', `subscription ImportantEmails {\n  importantEmails\n  notImportantEmails\n  spamEmails\n}`, 'subscription'],
    ['fails with many more than one root field via fragments', `subscription ImportantEmails {\n  importantEmails\n  ... {\n    more: moreImportantEmails\n  }\n  ...NotImportantEmails\n}\nfragment NotImportantEmails on SubscriptionRoot {\n  notImportantEmails\n  deleted: deletedEmails\n  ...SpamEmails\n}\nfragment SpamEmails on SubscriptionRoot {\n  spamEmails\n}`, 'subscription'],
    ['does not infinite loop on recursive fragments', `subscription NoInfiniteLoop {\n  ...A\n}\nfragment A on SubscriptionRoot {\n  ...A\n}`, 'subscription'],
    ['fails with many more than one root field via fragments (anonymous)', `subscription {\n  importantEmails\n  ... {\n    more: moreImportantEmails\n    ...NotImportantEmails\n  }\n  ...NotImportantEmails\n}\nfragment NotImportantEmails on SubscriptionRoot {\n  notImportantEmails\n  deleted: deletedEmails\n  ... {\n    ... {\n      archivedEmails\n    }\n  }\n  ...SpamEmails\n}\nfragment SpamEmails on SubscriptionRoot {\n  spamEmails\n  ...NonExistentFragment\n}`, 'subscription'],
    ['fails with more than one root field in anonymous subscriptions', `subscription {\n  importantEmails\n  notImportantEmails\n}`, 'subscription'],
    ['fails with introspection field', `subscription ImportantEmails {\n  __typename\n}`, 'subscription'],
    ['fails with introspection field in anonymous subscription', `subscription {\n  __typename\n}`, 'subscription'],
    ['skips if not subscription type', `subscription {\n  __typename\n}`],
    ['skip literal true excludes field', `subscription {\n  importantEmails\n  notImportantEmails @skip(if: true)\n}`, 'subscription'],
    ['include literal false excludes field', `subscription {\n  importantEmails\n  ... @include(if: false) { spamEmails }\n}`, 'subscription'],
    ['same response key twice is one field', `subscription {\n  importantEmails\n  importantEmails\n}`, 'subscription'],
  ],
  KnownTypeNamesRule: [
    ['known type names are valid', `query Foo($var: String, $required: [Int!]!, $introspectionType: __EnumValue) {\n  user(id: 4) {\n    pets { ... on Pet { name }, ...PetFields, ... { name } }\n  }\n}\nfragment PetFields on Pet {\n  name\n}`],
    ['unknown type names are invalid', `query Foo($var: JumbledUpLetters) {\n  user(id: 4) {\n    name\n    pets { ... on Badger { name }, ...PetFields }\n  }\n}\nfragment PetFields on Peat {\n  name\n}`],
    ['references to standard scalars that are missing in schema', `query ($id: ID, $float: Float, $int: Int) {\n  __typename\n}`, 'directives'],
    ['unknown types in SDL', `type Foo implements Bar { field: Baz, other(arg: Qux): String }\nunion U = A | B\ninput I { f: [Nope!] }\nschema { query: Unknown }`],
    ['standard types in SDL are known', `type Foo { a: String b: __Type }`, 'directives'],
    ['types defined in the document are known', `type Cow { name: String }\nquery ($c: Cow) { dog { name } }`],
  ],
  FragmentsOnCompositeTypesRule: [
    ['object is valid fragment type', `fragment validFragment on Dog { barks }`],
    ['interface is valid fragment type', `fragment validFragment on Pet { name }`],
    ['object is valid inline fragment type', `fragment validFragment on Pet { ... on Dog { barks } }`],
    ['interface is valid inline fragment type', `fragment validFragment on Mammal { ... on Canine { name } }`],
    ['inline fragment without type is valid', `fragment validFragment on Pet { ... { name } }`],
    ['union is valid fragment type', `fragment validFragment on CatOrDog { __typename }`],
    ['scalar is invalid fragment type', `fragment scalarFragment on Boolean { bad }`],
    ['enum is invalid fragment type', `fragment scalarFragment on FurColor { bad }`],
    ['input object is invalid fragment type', `fragment inputFragment on ComplexInput { stringField }`],
    ['scalar is invalid inline fragment type', `fragment invalidFragment on Pet {\n  ... on String {\n    barks\n  }\n}`],
  ],
  VariablesAreInputTypesRule: [
    ['unknown types are ignored', `query Foo($a: Unknown, $b: [[Unknown!]]!) { field(a: $a, b: $b) }`],
    ['input types are valid', `query Foo($a: String, $b: [Boolean!]!, $c: ComplexInput) { field(a: $a, b: $b, c: $c) }`],
    ['output types are invalid', `query Foo($a: Dog, $b: [[CatOrDog!]]!, $c: Pet) {\n  field(a: $a, b: $b, c: $c)\n}`],
  ],
  ScalarLeafsRule: [
    ['valid scalar selection', `fragment scalarSelection on Dog { barks }`],
    ['object type missing selection', `query directQueryOnObjectWithoutSubFields { human }`],
    ['interface type missing selection', `{ human { pets } }`],
    ['valid scalar selection with args', `fragment scalarSelectionWithArgs on Dog { doesKnowCommand(dogCommand: SIT) }`],
    ['scalar selection not allowed on Boolean', `fragment scalarSelectionsNotAllowedOnBoolean on Dog {\n  barks { sinceWhen }\n}`],
    ['scalar selection not allowed on Enum', `fragment scalarSelectionsNotAllowedOnEnum on Cat {\n  furColor { inHexDec }\n}`],
    ['scalar selection not allowed with args', `fragment scalarSelectionsNotAllowedWithArgs on Dog {\n  doesKnowCommand(dogCommand: SIT) { sinceWhen }\n}`],
    ['scalar selection not allowed with directives', `fragment scalarSelectionsNotAllowedWithDirectives on Dog {\n  name @include(if: true) { isAlsoHumanName }\n}`],
    ['scalar selection not allowed with directives and args', `fragment scalarSelectionsNotAllowedWithDirectivesAndArgs on Dog {\n  doesKnowCommand(dogCommand: SIT) @include(if: true) { sinceWhen }\n}`],
    ['list of objects missing selection', `{ human { relatives } }`],
  ],
  FieldsOnCorrectTypeRule: [
    ['object field selection', `fragment objectFieldSelection on Dog { __typename name }`],
    ['aliased object field selection', `fragment aliasedObjectFieldSelection on Dog { tn : __typename otherName : name }`],
    ['interface field selection', `fragment interfaceFieldSelection on Pet { __typename name }`],
    ['aliased interface field selection', `fragment interfaceFieldSelection on Pet { otherName : name }`],
    ['lying alias selection', `fragment lyingAliasSelection on Dog { name : nickname }`],
    ['ignores fields on unknown type', `fragment unknownSelection on UnknownType { unknownField }`],
    ['reports errors when type is known again', `fragment typeKnownAgain on Pet {\n  unknown_pet_field {\n    ... on Cat {\n      unknown_cat_field\n    }\n  }\n}`],
    ['field not defined on fragment', `fragment fieldNotDefined on Dog {\n  meowVolume\n}`],
    ['ignores deeply unknown field', `fragment deepFieldNotDefined on Dog {\n  unknown_field {\n    deeper_unknown_field\n  }\n}`],
    ['sub-field not defined', `fragment subFieldNotDefined on Human {\n  pets {\n    unknown_field\n  }\n}`],
    ['field not defined on inline fragment', `fragment fieldNotDefined on Pet {\n  ... on Dog {\n    meowVolume\n  }\n}`],
    ['aliased field target not defined', `fragment aliasedFieldTargetNotDefined on Dog {\n  volume : mooVolume\n}`],
    ['aliased lying field target not defined', `fragment aliasedLyingFieldTargetNotDefined on Dog {\n  barkVolume : kawVolume\n}`],
    ['not defined on interface', `fragment notDefinedOnInterface on Pet {\n  tailLength\n}`],
    ['defined on implementors but not on interface', `fragment definedOnImplementorsButNotInterface on Pet {\n  nickname\n}`],
    ['meta field selection on union', `fragment directFieldSelectionOnUnion on CatOrDog {\n  __typename\n}`],
    ['direct field selection on union', `fragment directFieldSelectionOnUnion on CatOrDog {\n  directField\n}`],
    ['defined on implementors queried on union', `fragment definedOnImplementorsQueriedOnUnion on CatOrDog {\n  name\n}`],
    ['valid field in inline fragment', `fragment objectFieldSelection on Pet {\n  ... on Dog {\n    name\n  }\n  ... {\n    name\n  }\n}`],
    ['__schema on non-root type', `{ dog { __schema { types { name } } } }`],
    ['__type and __schema on root', `{ __schema { queryType { name } } __type(name: "Dog") { name } }`],
  ],
  UniqueFragmentNamesRule: [
    ['no fragments', `{ field }`],
    ['one fragment', `{ ...fragA }\nfragment fragA on Type { field }`],
    ['many fragments', `{ ...fragA ...fragB ...fragC }\nfragment fragA on Type { fieldA }\nfragment fragB on Type { fieldB }\nfragment fragC on Type { fieldC }`],
    ['inline fragments are always unique', `{ ...on Type { fieldA } ...on Type { fieldB } }`],
    ['fragment and operation named the same', `query Foo { ...Foo }\nfragment Foo on Type { field }`],
    ['fragments named the same', `{ ...fragA }\nfragment fragA on Type { fieldA }\nfragment fragA on Type { fieldB }`],
    ['fragments named the same without being referenced', `fragment fragA on Type { fieldA }\nfragment fragA on Type { fieldB }`],
  ],
  KnownFragmentNamesRule: [
    ['known fragment names are valid', `{\n  human(id: 4) {\n    ...HumanFields1\n    ... on Human {\n      ...HumanFields2\n    }\n    ... {\n      name\n    }\n  }\n}\nfragment HumanFields1 on Human {\n  name\n  ...HumanFields3\n}\nfragment HumanFields2 on Human {\n  name\n}\nfragment HumanFields3 on Human {\n  name\n}`],
    ['unknown fragment names are invalid', `{\n  human(id: 4) {\n    ...UnknownFragment1\n    ... on Human {\n      ...UnknownFragment2\n    }\n  }\n}\nfragment HumanFields on Human {\n  name\n  ...UnknownFragment3\n}`],
  ],
  NoUnusedFragmentsRule: [
    ['all fragment names are used', `{\n  human(id: 4) {\n    ...HumanFields1\n    ... on Human {\n      ...HumanFields2\n    }\n  }\n}\nfragment HumanFields1 on Human {\n  name\n  ...HumanFields3\n}\nfragment HumanFields2 on Human {\n  name\n}\nfragment HumanFields3 on Human {\n  name\n}`],
    ['all fragment names are used by multiple operations', `query Foo {\n  human(id: 4) {\n    ...HumanFields1\n  }\n}\nquery Bar {\n  human(id: 4) {\n    ...HumanFields2\n  }\n}\nfragment HumanFields1 on Human {\n  name\n  ...HumanFields3\n}\nfragment HumanFields2 on Human {\n  name\n}\nfragment HumanFields3 on Human {\n  name\n}`],
    ['contains unknown fragments', `query Foo {\n  human(id: 4) {\n    ...HumanFields1\n  }\n}\nquery Bar {\n  human(id: 4) {\n    ...HumanFields2\n  }\n}\nfragment HumanFields1 on Human {\n  name\n  ...HumanFields3\n}\nfragment HumanFields2 on Human {\n  name\n}\nfragment HumanFields3 on Human {\n  name\n}\nfragment Unused1 on Human {\n  name\n}\nfragment Unused2 on Human {\n  name\n}`],
    ['contains unknown fragments with ref cycle', `query Foo {\n  human(id: 4) {\n    ...HumanFields1\n  }\n}\nquery Bar {\n  human(id: 4) {\n    ...HumanFields2\n  }\n}\nfragment HumanFields1 on Human {\n  name\n  ...HumanFields3\n}\nfragment HumanFields2 on Human {\n  name\n}\nfragment HumanFields3 on Human {\n  name\n}\nfragment Unused1 on Human {\n  name\n  ...Unused2\n}\nfragment Unused2 on Human {\n  name\n  ...Unused1\n}`],
    ['contains unknown and undef fragments', `query Foo {\n  human(id: 4) {\n    ...bar\n  }\n}\nfragment foo on Human {\n  name\n}`],
    ['fragments only with no operation', `fragment A on Human { name }\nfragment B on Human { ...A }`],
  ],
  PossibleFragmentSpreadsRule: [
    ['of the same object', `fragment objectWithinObject on Dog { ...dogFragment }\nfragment dogFragment on Dog { barkVolume }`],
    ['of the same object with inline fragment', `fragment objectWithinObjectAnon on Dog { ... on Dog { barkVolume } }`],
    ['object into an implemented interface', `fragment objectWithinInterface on Pet { ...dogFragment }\nfragment dogFragment on Dog { barkVolume }`],
    ['object into containing union', `fragment objectWithinUnion on CatOrDog { ...dogFragment }\nfragment dogFragment on Dog { barkVolume }`],
    ['union into contained object', `fragment unionWithinObject on Dog { ...catOrDogFragment }\nfragment catOrDogFragment on CatOrDog { __typename }`],
    ['union into overlapping interface', `fragment unionWithinInterface on Pet { ...catOrDogFragment }\nfragment catOrDogFragment on CatOrDog { __typename }`],
    ['union into overlapping union', `fragment unionWithinUnion on DogOrHuman { ...catOrDogFragment }\nfragment catOrDogFragment on CatOrDog { __typename }`],
    ['interface into implemented object', `fragment interfaceWithinObject on Dog { ...petFragment }\nfragment petFragment on Pet { name }`],
    ['interface into overlapping interface', `fragment interfaceWithinInterface on Pet { ...beingFragment }\nfragment beingFragment on Being { name }`],
    ['interface into overlapping interface in inline fragment', `fragment interfaceWithinInterface on Pet { ... on Being { name } }`],
    ['interface into overlapping union', `fragment interfaceWithinUnion on CatOrDog { ...petFragment }\nfragment petFragment on Pet { name }`],
    ['ignores incorrect type (caught by FragmentsOnCompositeTypes)', `fragment petFragment on Pet { ...badInADifferentWay }\nfragment badInADifferentWay on String { name }`],
    ['ignores unknown fragments (caught by KnownFragmentNames)', `fragment petFragment on Pet { ...UnknownFragment }`],
    ['different object into object', `fragment invalidObjectWithinObject on Cat { ...dogFragment }\nfragment dogFragment on Dog { barkVolume }`],
    ['different object into object in inline fragment', `fragment invalidObjectWithinObjectAnon on Cat {\n  ... on Dog { barkVolume }\n}`],
    ['object into not implementing interface', `fragment invalidObjectWithinInterface on Pet { ...humanFragment }\nfragment humanFragment on Human { pets { name } }`],
    ['object into not containing union', `fragment invalidObjectWithinUnion on CatOrDog { ...humanFragment }\nfragment humanFragment on Human { pets { name } }`],
    ['union into not contained object', `fragment invalidUnionWithinObject on Human { ...catOrDogFragment }\nfragment catOrDogFragment on CatOrDog { __typename }`],
    ['interface into non implementing object', `fragment invalidInterfaceWithinObject on Cat { ...intelligentFragment }\nfragment intelligentFragment on Mammal { mother { __typename } }`],
    ['interface into non overlapping union in inline fragment', `fragment invalidInterfaceWithinUnion on CatOrDog {\n  ... on Human { name }\n}`],
    ['interface spread in interface it implements', `fragment a on Canine { ...b }\nfragment b on Mammal { mother { __typename } }`],
    ['mammal into pet', `fragment a on Pet { ...b }\nfragment b on Mammal { mother { __typename } }`],
    ['inline union into interface', `fragment a on Pet { ... on CatOrDog { __typename } }`],
  ],
  NoFragmentCyclesRule: [
    ['single reference is valid', `fragment fragA on Dog { ...fragB }\nfragment fragB on Dog { name }`],
    ['spreading twice is not circular', `fragment fragA on Dog { ...fragB, ...fragB }\nfragment fragB on Dog { name }`],
    ['spreading twice indirectly is not circular', `fragment fragA on Dog { ...fragB, ...fragC }\nfragment fragB on Dog { ...fragC }\nfragment fragC on Dog { name }`],
    ['double spread within abstract types', `fragment nameFragment on Pet {\n  ... on Dog { name }\n  ... on Cat { name }\n}\nfragment spreadsInAnon on Pet {\n  ... on Dog { ...nameFragment }\n  ... on Cat { ...nameFragment }\n}`],
    ['does not false positive on unknown fragment', `fragment nameFragment on Pet {\n  ...UnknownFragment\n}`],
    ['spreading recursively within field fails', `fragment fragA on Human { relatives { ...fragA } },`],
    ['no spreading itself directly', `fragment fragA on Dog { ...fragA }`],
    ['no spreading itself directly within inline fragment', `fragment fragA on Pet {\n  ... on Dog {\n    ...fragA\n  }\n}`],
    ['no spreading itself indirectly', `fragment fragA on Dog { ...fragB }\nfragment fragB on Dog { ...fragA }`],
    ['no spreading itself indirectly reports opposite order', `fragment fragB on Dog { ...fragA }\nfragment fragA on Dog { ...fragB }`],
    ['no spreading itself indirectly within inline fragment', `fragment fragA on Pet {\n  ... on Dog {\n    ...fragB\n  }\n}\nfragment fragB on Pet {\n  ... on Dog {\n    ...fragA\n  }\n}`],
    ['no spreading itself deeply', `fragment fragA on Dog { ...fragB }\nfragment fragB on Dog { ...fragC }\nfragment fragC on Dog { ...fragO }\nfragment fragX on Dog { ...fragY }\nfragment fragY on Dog { ...fragZ }\nfragment fragZ on Dog { ...fragO }\nfragment fragO on Dog { ...fragP }\nfragment fragP on Dog { ...fragA, ...fragX }`],
    ['no spreading itself deeply two paths', `fragment fragA on Dog { ...fragB, ...fragC }\nfragment fragB on Dog { ...fragA }\nfragment fragC on Dog { ...fragA }`],
    ['no spreading itself deeply two paths -- alt traverse order', `fragment fragA on Dog { ...fragC }\nfragment fragB on Dog { ...fragC }\nfragment fragC on Dog { ...fragA, ...fragB }`],
    ['no spreading itself deeply and immediately', `fragment fragA on Dog { ...fragB }\nfragment fragB on Dog { ...fragB, ...fragC }\nfragment fragC on Dog { ...fragA, ...fragB }`],
  ],
  UniqueVariableNamesRule: [
    ['unique variable names', `query A($x: Int, $y: String) { __typename }\nquery B($x: String, $y: Int) { __typename }`],
    ['duplicate variable names', `query A($x: Int, $x: Int, $x: String) { __typename }\nquery B($x: String, $x: Int) { __typename }\nquery C($x: Int, $x: Int) { __typename }`],
  ],
  NoUndefinedVariablesRule: [
    ['all variables defined', `query Foo($a: String, $b: String, $c: String) {\n  field(a: $a, b: $b, c: $c)\n}`],
    ['all variables deeply defined', `query Foo($a: String, $b: String, $c: String) {\n  field(a: $a) {\n    field(b: $b) {\n      field(c: $c)\n    }\n  }\n}`],
    ['all variables deeply in inline fragments defined', `query Foo($a: String, $b: String, $c: String) {\n  ... on Type {\n    field(a: $a) {\n      field(b: $b) {\n        ... on Type {\n          field(c: $c)\n        }\n      }\n    }\n  }\n}`],
    ['all variables in fragments deeply defined', `query Foo($a: String, $b: String, $c: String) {\n  ...FragA\n}\nfragment FragA on Type {\n  field(a: $a) {\n    ...FragB\n  }\n}\nfragment FragB on Type {\n  field(b: $b) {\n    ...FragC\n  }\n}\nfragment FragC on Type {\n  field(c: $c)\n}`],
    ['variable within single fragment defined in multiple operations', `query Foo($a: String) {\n  ...FragA\n}\nquery Bar($a: String) {\n  ...FragA\n}\nfragment FragA on Type {\n  field(a: $a)\n}`],
    ['variable within fragments defined in operations', `query Foo($a: String) {\n  ...FragA\n}\nquery Bar($b: String) {\n  ...FragB\n}\nfragment FragA on Type {\n  field(a: $a)\n}\nfragment FragB on Type {\n  field(b: $b)\n}`],
    ['variable within recursive fragment defined', `query Foo($a: String) {\n  ...FragA\n}\nfragment FragA on Type {\n  field(a: $a) {\n    ...FragA\n  }\n}`],
    ['variable not defined', `query Foo($a: String, $b: String, $c: String) {\n  field(a: $a, b: $b, c: $c, d: $d)\n}`],
    ['variable not defined by un-named query', `{\n  field(a: $a)\n}`],
    ['multiple variables not defined', `query Foo($b: String) {\n  field(a: $a, b: $b, c: $c)\n}`],
    ['variable in fragment not defined by un-named query', `{\n  ...FragA\n}\nfragment FragA on Type {\n  field(a: $a)\n}`],
    ['variable in fragment not defined by operation', `query Foo($a: String, $b: String) {\n  ...FragA\n}\nfragment FragA on Type {\n  field(a: $a) {\n    ...FragB\n  }\n}\nfragment FragB on Type {\n  field(b: $b) {\n    ...FragC\n  }\n}\nfragment FragC on Type {\n  field(c: $c)\n}`],
    ['multiple variables in fragments not defined', `query Foo($b: String) {\n  ...FragA\n}\nfragment FragA on Type {\n  field(a: $a) {\n    ...FragB\n  }\n}\nfragment FragB on Type {\n  field(b: $b) {\n    ...FragC\n  }\n}\nfragment FragC on Type {\n  field(c: $c)\n}`],
    ['single variable in fragment not defined by multiple operations', `query Foo($a: String) {\n  ...FragAB\n}\nquery Bar($a: String) {\n  ...FragAB\n}\nfragment FragAB on Type {\n  field(a: $a, b: $b)\n}`],
    ['variables in fragment not defined by multiple operations', `query Foo($b: String) {\n  ...FragAB\n}\nquery Bar($a: String) {\n  ...FragAB\n}\nfragment FragAB on Type {\n  field(a: $a, b: $b)\n}`],
    ['variable in fragment used by other operation', `query Foo($b: String) {\n  ...FragA\n}\nquery Bar($a: String) {\n  ...FragB\n}\nfragment FragA on Type {\n  field(a: $a)\n}\nfragment FragB on Type {\n  field(b: $b)\n}`],
    ['multiple undefined variables produce multiple errors', `query Foo($b: String) {\n  ...FragAB\n}\nquery Bar($a: String) {\n  ...FragAB\n}\nfragment FragAB on Type {\n  field1(a: $a, b: $b)\n  ...FragC\n  field3(a: $a, b: $b)\n}\nfragment FragC on Type {\n  field2(c: $c)\n}`],
    ['variables in directives and variable defaults', `query Foo($a: Boolean = true) {\n  dog @include(if: $b) { name @skip(if: $a) }\n}`],
  ],
  NoUnusedVariablesRule: [
    ['uses all variables', `query ($a: String, $b: String, $c: String) {\n  field(a: $a, b: $b, c: $c)\n}`],
    ['uses all variables deeply', `query Foo($a: String, $b: String, $c: String) {\n  field(a: $a) {\n    field(b: $b) {\n      field(c: $c)\n    }\n  }\n}`],
    ['uses all variables in fragments', `query Foo($a: String, $b: String, $c: String) {\n  ...FragA\n}\nfragment FragA on Type {\n  field(a: $a) {\n    ...FragB\n  }\n}\nfragment FragB on Type {\n  field(b: $b) {\n    ...FragC\n  }\n}\nfragment FragC on Type {\n  field(c: $c)\n}`],
    ['variable used by recursive fragment', `query Foo($a: String) {\n  ...FragA\n}\nfragment FragA on Type {\n  field(a: $a) {\n    ...FragA\n  }\n}`],
    ['variable not used', `query ($a: String, $b: String, $c: String) {\n  field(a: $a, b: $b)\n}`],
    ['multiple variables not used', `query Foo($a: String, $b: String, $c: String) {\n  field(b: $b)\n}`],
    ['variable not used in fragments', `query Foo($a: String, $b: String, $c: String) {\n  ...FragA\n}\nfragment FragA on Type {\n  field(a: $a) {\n    ...FragB\n  }\n}\nfragment FragB on Type {\n  field(b: $b) {\n    ...FragC\n  }\n}\nfragment FragC on Type {\n  field\n}`],
    ['variable not used by unreferenced fragment', `query Foo($b: String) {\n  ...FragA\n}\nfragment FragA on Type {\n  field(a: $a)\n}\nfragment FragB on Type {\n  field(b: $b)\n}`],
    ['variable not used by fragment used by other operation', `query Foo($b: String) {\n  ...FragA\n}\nquery Bar($a: String) {\n  ...FragB\n}\nfragment FragA on Type {\n  field(a: $a)\n}\nfragment FragB on Type {\n  field(b: $b)\n}`],
    ['variable used only in its own default or directive', `query Foo($a: Int = 1, $b: Int @onVariableDefinition) { dummy }`, 'directives'],
  ],
  KnownDirectivesRule: [
    ['no directives', `query Foo { name ...Frag }\nfragment Frag on Dog { name }`],
    ['known directives', `{\n  dog @include(if: true) {\n    name\n  }\n  human @skip(if: false) {\n    name\n  }\n}`],
    ['unknown directive', `{\n  dog @unknown(directive: "value") {\n    name\n  }\n}`],
    ['many unknown directives', `{\n  dog @unknown(directive: "value") {\n    name\n  }\n  human @unknown(directive: "value") {\n    name\n    pets @unknown(directive: "value") {\n      name\n    }\n  }\n}`],
    ['well placed directives', `query ($var: Boolean @onVariableDefinition) @onQuery {\n  name @include(if: $var)\n  ...Frag @include(if: true) @onFragmentSpread\n  skippedField @skip(if: true)\n  ...SkippedFrag @skip(if: true)\n  ... @skip(if: true) @onInlineFragment {\n    skippedField\n  }\n}\nmutation @onMutation {\n  someField\n}\nsubscription @onSubscription {\n  someField\n}\nfragment Frag on SomeType @onFragmentDefinition {\n  someField\n}`, 'directives'],
    ['misplaced directives', `query ($var: Boolean @onQuery) @onMutation {\n  name @onQuery @include(if: $var)\n  ...Frag @onQuery\n  ... @onQuery {\n    skippedField\n  }\n}\nmutation @onQuery {\n  someField\n}\nsubscription @onQuery {\n  someField\n}\nfragment Frag on SomeType @onQuery {\n  someField\n}`, 'directives'],
    ['well placed SDL directives', `type MyObj implements MyInterface @onObject {\n  myField(myArg: Int @onArgumentDefinition): String @onFieldDefinition\n}\nextend type MyObj @onObject\nscalar MyScalar @onScalar\nextend scalar MyScalar @onScalar\ninterface MyInterface @onInterface {\n  myField(myArg: Int @onArgumentDefinition): String @onFieldDefinition\n}\nunion MyUnion @onUnion = MyObj | Other\nenum MyEnum @onEnum {\n  MY_VALUE @onEnumValue\n}\ninput MyInput @onInputObject {\n  myField: Int @onInputFieldDefinition\n}\nextend input MyInput @onInputObject\nschema @onSchema {\n  query: MyQuery\n}\nextend schema @onSchema`, 'directives'],
    ['misplaced SDL directives', `type MyObj implements MyInterface @onInterface {\n  myField(myArg: Int @onInputFieldDefinition): String @onInputFieldDefinition\n}\nscalar MyScalar @onEnum\ninterface MyInterface @onObject {\n  myField(myArg: Int @onInputFieldDefinition): String @onInputFieldDefinition\n}\nunion MyUnion @onEnumValue = MyObj | Other\nenum MyEnum @onScalar {\n  MY_VALUE @onEnum\n}\ninput MyInput @onEnum {\n  myField: Int @onArgumentDefinition\n}\nextend input MyInput { other: Int @onInputFieldDefinition }\nschema @onObject {\n  query: MyQuery\n}\nextend schema @onObject`, 'directives'],
    ['directive defined in document', `directive @local on FIELD | QUERY\nquery @local { dummy @local }`, 'directives'],
  ],
  UniqueDirectivesPerLocationRule: [
    ['no directives', `fragment Test on Type { field }`, 'directives'],
    ['unique directives in different locations', `fragment Test on Type @directiveA {\n  field @directiveB\n}`, 'directives'],
    ['unique directives in same locations', `fragment Test on Type @directiveA @directiveB {\n  field @directiveA @directiveB\n}`, 'directives'],
    ['same directives in different locations', `fragment Test on Type @directiveA {\n  field @directiveA\n}`, 'directives'],
    ['same directives in similar locations', `fragment Test on Type {\n  field @directive\n  field @directive\n}`, 'directives'],
    ['repeatable directives in same location', `fragment Test on Type @repeatable @repeatable {\n  field @repeatable @repeatable\n}`, 'directives'],
    ['unknown directives must be ignored', `type Test @unknown @unknown {\n  field: String! @unknown @unknown\n}\nextend type Test @unknown {\n  field: String! @unknown\n}`, 'directives'],
    ['duplicate directives in one location', `fragment Test on Type {\n  field @directive @directive\n}`, 'directives'],
    ['many duplicate directives in one location', `fragment Test on Type {\n  field @directive @directive @directive\n}`, 'directives'],
    ['different duplicate directives in one location', `fragment Test on Type {\n  field @directiveA @directiveB @directiveA @directiveB\n}`, 'directives'],
    ['duplicate directives in many locations', `fragment Test on Type @directive @directive {\n  field @directive @directive\n}`, 'directives'],
    ['duplicate directives on SDL definitions', `directive @nonRepeatable on SCHEMA | SCALAR | OBJECT | INTERFACE | UNION | INPUT_OBJECT\nschema @nonRepeatable @nonRepeatable { query: Dummy }\nextend schema @nonRepeatable @nonRepeatable\nscalar TestScalar @nonRepeatable @nonRepeatable\nextend scalar TestScalar @nonRepeatable @nonRepeatable\ntype TestObject @nonRepeatable @nonRepeatable\nextend type TestObject @nonRepeatable @nonRepeatable\ninterface TestInterface @nonRepeatable @nonRepeatable\nextend interface TestInterface @nonRepeatable @nonRepeatable\nunion TestUnion @nonRepeatable @nonRepeatable\nextend union TestUnion @nonRepeatable @nonRepeatable\ninput TestInput @nonRepeatable @nonRepeatable\nextend input TestInput @nonRepeatable @nonRepeatable`, 'directives'],
    ['duplicate directives between SDL definitions and extensions', `directive @nonRepeatable on SCHEMA | OBJECT\nschema @nonRepeatable { query: Dummy }\nextend schema @nonRepeatable\ntype TestObject @nonRepeatable\nextend type TestObject @nonRepeatable`, 'directives'],
    ['duplicate skip and include on operation pieces', `query ($v: Boolean @onVariableDefinition @onVariableDefinition) @onQuery @onQuery { dummy @skip(if: true) @skip(if: false) ...F @include(if: true) @include(if: true) }\nfragment F on Query { dummy }`, 'directives'],
  ],
  KnownArgumentNamesRule: [
    ['single arg is known', `fragment argOnRequiredArg on Dog {\n  doesKnowCommand(dogCommand: SIT)\n}`],
    ['multiple args are known', `fragment multipleArgs on ComplicatedArgs {\n  multipleReqs(req1: 1, req2: 2)\n}`],
    ['ignores args of unknown fields', `fragment argOnUnknownField on Dog {\n  unknownField(unknownArg: SIT)\n}`],
    ['multiple args in reverse order are known', `fragment multipleArgsReverseOrder on ComplicatedArgs {\n  multipleReqs(req2: 2, req1: 1)\n}`],
    ['no args on optional arg', `fragment noArgOnOptionalArg on Dog {\n  isHouseTrained\n}`],
    ['args are known deeply', `{\n  dog {\n    doesKnowCommand(dogCommand: SIT)\n  }\n  human {\n    pet {\n      ... on Dog {\n        doesKnowCommand(dogCommand: SIT)\n      }\n    }\n  }\n}`],
    ['directive args are known', `{\n  dog @skip(if: true)\n}`],
    ['field args are invalid', `{\n  dog @skip(unless: true)\n}`],
    ['directive without args is valid', `{\n  dog @onField\n}`],
    ['arg passed to directive without arg is reported', `{\n  dog @onField(if: true)\n}`],
    ['misspelled directive args are reported', `{\n  dog @skip(iff: true)\n}`],
    ['invalid arg name', `fragment invalidArgName on Dog {\n  doesKnowCommand(unknown: true)\n}`],
    ['misspelled arg name is reported', `fragment invalidArgName on Dog {\n  doesKnowCommand(DogCommand: true)\n}`],
    ['unknown args amongst known args', `fragment oneGoodArgOneInvalidArg on Dog {\n  doesKnowCommand(whoKnows: 1, dogCommand: SIT, unknown: true)\n}`],
    ['unknown args deeply', `{\n  dog {\n    doesKnowCommand(unknown: true)\n  }\n  human {\n    pet {\n      ... on Dog {\n        doesKnowCommand(unknown: true)\n      }\n    }\n  }\n}`],
    ['args on unknown directive are ignored', `{ dog { name @unknown(surname: true, whatever: 1) } }`],
    ['directive args on SDL', `directive @test(arg: String) on OBJECT\ntype Query @test(arg: "", unknown: "") { foo: String @deprecated(reason: "x", unknown: 1) }`],
    ['unknown argument on __type', `{ __type(name: "Dog", other: 1) { name } }`],
  ],
  UniqueArgumentNamesRule: [
    ['no arguments on field', `{ field }`],
    ['no arguments on directive', `{ field @directive }`],
    ['argument on field', `{ field(arg: "value") }`],
    ['argument on directive', `{ field @directive(arg: "value") }`],
    ['same argument on two fields', `{ one: field(arg: "value") two: field(arg: "value") }`],
    ['same argument on field and directive', `{ field(arg: "value") @directive(arg: "value") }`],
    ['same argument on two directives', `{ field @directive1(arg: "value") @directive2(arg: "value") }`],
    ['multiple field arguments', `{ field(arg1: "value", arg2: "value", arg3: "value") }`],
    ['duplicate field arguments', `{ field(arg1: "value", arg1: "value") }`],
    ['many duplicate field arguments', `{ field(arg1: "value", arg1: "value", arg1: "value") }`],
    ['duplicate directive arguments', `{ field @directive(arg1: "value", arg1: "value") }`],
    ['many duplicate directive arguments', `{ field @directive(arg1: "value", arg1: "value", arg1: "value") }`],
    ['interleaved duplicates', `{ field(b: 1, a: 1, b: 2, a: 2, c: 1) }`],
  ],
  ValuesOfCorrectTypeRule: [
    ['good int value', `{ complicatedArgs { intArgField(intArg: 2) } }`],
    ['good negative int value', `{ complicatedArgs { intArgField(intArg: -2) } }`],
    ['good boolean value', `{ complicatedArgs { booleanArgField(booleanArg: true) } }`],
    ['good string value', `{ complicatedArgs { stringArgField(stringArg: "foo") } }`],
    ['good float value', `{ complicatedArgs { floatArgField(floatArg: 1.1) } }`],
    ['good negative float value', `{ complicatedArgs { floatArgField(floatArg: -1.1) } }`],
    ['int into float', `{ complicatedArgs { floatArgField(floatArg: 1) } }`],
    ['int into ID', `{ complicatedArgs { idArgField(idArg: 1) } }`],
    ['string into ID', `{ complicatedArgs { idArgField(idArg: "someIdString") } }`],
    ['good enum value', `{ dog { doesKnowCommand(dogCommand: SIT) } }`],
    ['enum with undefined value', `{ complicatedArgs { enumArgField(enumArg: UNKNOWN) } }`],
    ['enum with null value', `{ complicatedArgs { enumArgField(enumArg: NO_FUR) } }`],
    ['null into nullable type', `{ complicatedArgs { intArgField(intArg: null) } }`],
    ['null into nullable type (deep)', `{ dog(a: null, b: null, c:{ requiredField: true, intField: null }) { name } }`],
    ['int into string', `{ complicatedArgs { stringArgField(stringArg: 1) } }`],
    ['float into string', `{ complicatedArgs { stringArgField(stringArg: 1.0) } }`],
    ['boolean into string', `{ complicatedArgs { stringArgField(stringArg: true) } }`],
    ['unquoted string into string', `{ complicatedArgs { stringArgField(stringArg: BAR) } }`],
    ['string into int', `{ complicatedArgs { intArgField(intArg: "3") } }`],
    ['big int into int', `{ complicatedArgs { intArgField(intArg: 829384293849283498239482938) } }`],
    ['unquoted string into int', `{ complicatedArgs { intArgField(intArg: FOO) } }`],
    ['simple float into int', `{ complicatedArgs { intArgField(intArg: 3.0) } }`],
    ['float into int', `{ complicatedArgs { intArgField(intArg: 3.333) } }`],
    ['string into float', `{ complicatedArgs { floatArgField(floatArg: "3.333") } }`],
    ['boolean into float', `{ complicatedArgs { floatArgField(floatArg: true) } }`],
    ['unquoted into float', `{ complicatedArgs { floatArgField(floatArg: FOO) } }`],
    ['int into boolean', `{ complicatedArgs { booleanArgField(booleanArg: 2) } }`],
    ['float into boolean', `{ complicatedArgs { booleanArgField(booleanArg: 1.0) } }`],
    ['string into boolean', `{ complicatedArgs { booleanArgField(booleanArg: "true") } }`],
    ['unquoted into boolean', `{ complicatedArgs { booleanArgField(booleanArg: TRUE) } }`],
    ['float into ID', `{ complicatedArgs { idArgField(idArg: 1.0) } }`],
    ['boolean into ID', `{ complicatedArgs { idArgField(idArg: true) } }`],
    ['unquoted into ID', `{ complicatedArgs { idArgField(idArg: SOMETHING) } }`],
    ['int into enum', `{ dog { doesKnowCommand(dogCommand: 2) } }`],
    ['float into enum', `{ dog { doesKnowCommand(dogCommand: 1.0) } }`],
    ['string into enum', `{ dog { doesKnowCommand(dogCommand: "SIT") } }`],
    ['boolean into enum', `{ dog { doesKnowCommand(dogCommand: true) } }`],
    ['unknown enum value into enum', `{ dog { doesKnowCommand(dogCommand: JUGGLE) } }`],
    ['different case enum value into enum', `{ dog { doesKnowCommand(dogCommand: sit) } }`],
    ['good list value', `{ complicatedArgs { stringListArgField(stringListArg: ["one", null, "two"]) } }`],
    ['empty list value', `{ complicatedArgs { stringListArgField(stringListArg: []) } }`],
    ['null value into list', `{ complicatedArgs { stringListArgField(stringListArg: null) } }`],
    ['single value into list', `{ complicatedArgs { stringListArgField(stringListArg: "one") } }`],
    ['incorrect item type', `{ complicatedArgs { stringListArgField(stringListArg: ["one", 2]) } }`],
    ['single value of incorrect type', `{ complicatedArgs { stringListArgField(stringListArg: 1) } }`],
    ['null in non-null list item', `{ complicatedArgs { stringListNonNullArgField(stringListNonNullArg: ["a", null]) } }`],
    ['arg on optional arg', `{ dog { isHouseTrained(atOtherHomes: true) } }`],
    ['no arg on optional arg', `{ dog { isHouseTrained } }`],
    ['multiple args', `{ complicatedArgs { multipleReqs(req1: 1, req2: 2) } }`],
    ['incorrect value type for non-null', `{ complicatedArgs { multipleReqs(req2: "two", req1: "one") } }`],
    ['incorrect value and missing argument', `{ complicatedArgs { multipleReqs(req1: "one") } }`],
    ['null value into non-null', `{ complicatedArgs { multipleReqs(req1: null) } }`],
    ['optional arg, despite required field in type', `{ complicatedArgs { complexArgField } }`],
    ['partial object, only required', `{ complicatedArgs { complexArgField(complexArg: { requiredField: true }) } }`],
    ['partial object, required field can be falsy', `{ complicatedArgs { complexArgField(complexArg: { requiredField: false }) } }`],
    ['partial object, including required', `{ complicatedArgs { complexArgField(complexArg: { requiredField: true, intField: 4 }) } }`],
    ['full object', `{ complicatedArgs { complexArgField(complexArg: { requiredField: true, intField: 4, stringField: "foo", booleanField: false, stringListField: ["one", "two"] }) } }`],
    ['full object with fields in different order', `{ complicatedArgs { complexArgField(complexArg: { stringListField: ["one", "two"], booleanField: false, requiredField: true, stringField: "foo", intField: 4 }) } }`],
    ['partial object, missing required', `{ complicatedArgs { complexArgField(complexArg: { intField: 4 }) } }`],
    ['partial object, invalid field type', `{ complicatedArgs { complexArgField(complexArg: { stringListField: ["one", 2], requiredField: true }) } }`],
    ['partial object, null to non-null field', `{ complicatedArgs { complexArgField(complexArg: { requiredField: true, nonNullField: null }) } }`],
    ['partial object, unknown field arg', `{ complicatedArgs { complexArgField(complexArg: { requiredField: true, invalidField: "value" }) } }`],
    ['object into scalar', `{ complicatedArgs { intArgField(intArg: { a: 1 }) } }`],
    ['list into scalar', `{ complicatedArgs { intArgField(intArg: [1, 2]) } }`],
    ['list of objects into input object', `{ complicatedArgs { complexArgField(complexArg: [{ requiredField: true }]) } }`],
    ['scalar into input object', `{ complicatedArgs { complexArgField(complexArg: 1) } }`],
    ['nested list into list', `{ complicatedArgs { stringListArgField(stringListArg: [["a"]]) } }`],
    ['exactly one oneOf field', `{ complicatedArgs { oneOfArgField(oneOfArg: { stringField: "abc" }) } }`],
    ['exactly one oneOf field with variable', `query ($string: String!) { complicatedArgs { oneOfArgField(oneOfArg: { stringField: $string }) } }`],
    ['oneOf with two fields', `{ complicatedArgs { oneOfArgField(oneOfArg: { stringField: "abc", intField: 123 }) } }`],
    ['oneOf with null field', `{ complicatedArgs { oneOfArgField(oneOfArg: { stringField: null }) } }`],
    ['oneOf with no fields', `{ complicatedArgs { oneOfArgField(oneOfArg: {}) } }`],
    ['oneOf with duplicated field name', `{ complicatedArgs { oneOfArgField(oneOfArg: { stringField: "a", stringField: null }) } }`],
    ['oneOf with wrong field', `{ complicatedArgs { oneOfArgField(oneOfArg: { unknown: "a" }) } }`],
    ['directive arguments with valid types', `{\n  dog @include(if: true) {\n    name\n  }\n  human @skip(if: false) {\n    name\n  }\n}`],
    ['directive arguments with invalid types', `{\n  dog @include(if: "yes") {\n    name @skip(if: ENUM)\n  }\n}`],
    ['variables with valid default values', `query WithDefaultValues(\n  $a: Int = 1,\n  $b: String = "ok",\n  $c: ComplexInput = { requiredField: true, intField: 3 }\n  $d: Int! = 123\n) {\n  dog { name }\n}`],
    ['variables with valid default null values', `query WithDefaultValues(\n  $a: Int = null,\n  $b: String = null,\n  $c: ComplexInput = { requiredField: true, intField: null }\n) {\n  dog { name }\n}`],
    ['variables with invalid default null values', `query WithDefaultValues(\n  $a: Int! = null,\n  $b: String! = null,\n  $c: ComplexInput = { requiredField: null, intField: null }\n) {\n  dog { name }\n}`],
    ['variables with invalid default values', `query InvalidDefaultValues(\n  $a: Int = "one",\n  $b: String = 4,\n  $c: ComplexInput = "NotVeryComplex"\n) {\n  dog { name }\n}`],
    ['variables with complex invalid default values', `query WithDefaultValues(\n  $a: ComplexInput = { requiredField: 123, intField: "abc" }\n) {\n  dog { name }\n}`],
    ['complex variables missing required field', `query MissingRequiredField($a: ComplexInput = {intField: 3}) {\n  dog { name }\n}`],
    ['list variables with invalid item', `query InvalidItem($a: [String] = ["one", 2]) {\n  dog { name }\n}`],
    ['default value of unknown type', `query ($a: Unknown = 1, $b: [Unknown] = [{x: 1}]) { dog { name } }`],
    ['variable in value of scalar list', `query ($x: String) { complicatedArgs { stringListArgField(stringListArg: [$x, 1]) } }`],
    ['object literal into custom-free position of unknown arg', `{ complicatedArgs { intArgField(unknownArg: {a: 1}, intArg: 1) } }`],
    ['custom scalar accepts any literal', `{ f(c: { a: [1, "x", null, ENUM] }) a: f(c: [1, 2]) b: f(c: 1.5) }`, 'scalars'],
    ['custom scalar literal with variables', `query ($v: Int) { f(c: { a: $v, b: [$v] }) }`, 'scalars'],
    ['custom scalars inside input objects', `{ f(i: { c: "x", list: [1, null, {}], nested: { c: 1, nested: { list: null } } }) }`, 'scalars'],
    ['nested lists', `{ f(l: [[1], [2, 3]]) a: f(l: [1]) b: f(l: 1) c: f(l: [[null]]) d: f(l: [null]) e: f(l: [["x"]]) }`, 'scalars'],
    ['enum values', `{ f(color: RED) a: f(color: red) b: f(color: "RED") c: f(color: BLUE) d: f(color: null) e: f(color: [RED]) }`, 'scalars'],
    ['non-null argument with default given null', `{ f(b: null) }`, 'scalars'],
    ['required input object missing and null', `{ g(reqList: []) a: g(req: null, reqList: null) b: g(req: {}, reqList: [null]) }`, 'scalars'],
    ['input field with default not required', `{ g(req: { withDefault: null }, reqList: [1]) }`, 'scalars'],
    ['oneOf nested in lists and objects', `{ f(ones: [{ a: 1 }, { a: 1, b: {} }, {}, { b: null }]) a: f(one: { b: { c: 1 } }) b: f(one: { a: 1, a: 2 }) }`, 'scalars'],
    ['oneOf with variables', `query ($a: Int, $b: Inner!, $c: Int! = 1) { f(one: { a: $a }) x: f(one: { b: $b }) y: f(one: { a: $c }) z: f(ones: [{ a: $a }]) }`, 'scalars'],
    ['argument of unknown directive resolves against the field', `{ dog { isHouseTrained @unknown(atOtherHomes: "x") } }`],
  ],
  ProvidedRequiredArgumentsRule: [
    ['ignores unknown arguments', `{ dog { isHouseTrained(unknownArgument: true) } }`],
    ['arg on optional arg', `{ dog { isHouseTrained(atOtherHomes: true) } }`],
    ['no arg on optional arg', `{ dog { isHouseTrained } }`],
    ['no arg on non-null field with default', `{ complicatedArgs { nonNullFieldWithDefault } }`],
    ['multiple args', `{ complicatedArgs { multipleReqs(req1: 1, req2: 2) } }`],
    ['multiple args reverse order', `{ complicatedArgs { multipleReqs(req2: 2, req1: 1) } }`],
    ['no args on multiple optional', `{ complicatedArgs { multipleOpts } }`],
    ['one arg on multiple optional', `{ complicatedArgs { multipleOpts(opt1: 1) } }`],
    ['all reqs and opts on mixed list', `{ complicatedArgs { multipleOptAndReq(req1: 3, req2: 4, opt1: 5, opt2: 6) } }`],
    ['missing one non-nullable argument', `{\n  complicatedArgs {\n    multipleReqs(req2: 2)\n  }\n}`],
    ['missing multiple non-nullable arguments', `{\n  complicatedArgs {\n    multipleReqs\n  }\n}`],
    ['incorrect value and missing argument', `{\n  complicatedArgs {\n    multipleReqs(req1: "one")\n  }\n}`],
    ['ignores unknown directives', `{ dog @unknown }`],
    ['with directives of valid types', `{\n  dog @include(if: true) {\n    name\n  }\n  human @skip(if: false) {\n    name\n  }\n}`],
    ['with directive with missing types', `{\n  dog @include {\n    name @skip\n  }\n}`],
    ['directive defined in document with required args', `directive @test(arg1: String!, arg2: String! = "", arg3: [String]!) on FIELD\n{ dog @test { name } }`],
    ['schema directive with required and defaulted args', `{ dummy @withArgs dummy2: dummy @withArgs(req: 1) }`, 'directives'],
    ['__type without name', `{ __type { name } }`],
  ],
  VariablesInAllowedPositionRule: [
    ['Boolean => Boolean', `query Query($booleanArg: Boolean)\n{\n  complicatedArgs {\n    booleanArgField(booleanArg: $booleanArg)\n  }\n}`],
    ['Boolean => Boolean within fragment', `fragment booleanArgFrag on ComplicatedArgs {\n  booleanArgField(booleanArg: $booleanArg)\n}\nquery Query($booleanArg: Boolean)\n{\n  complicatedArgs {\n    ...booleanArgFrag\n  }\n}`],
    ['Boolean! => Boolean', `query Query($nonNullBooleanArg: Boolean!)\n{\n  complicatedArgs {\n    booleanArgField(booleanArg: $nonNullBooleanArg)\n  }\n}`],
    ['[String] => [String]', `query Query($stringListVar: [String])\n{\n  complicatedArgs {\n    stringListArgField(stringListArg: $stringListVar)\n  }\n}`],
    ['[String!] => [String]', `query Query($stringListVar: [String!])\n{\n  complicatedArgs {\n    stringListArgField(stringListArg: $stringListVar)\n  }\n}`],
    ['String => [String] in item position', `query Query($stringVar: String)\n{\n  complicatedArgs {\n    stringListArgField(stringListArg: [$stringVar])\n  }\n}`],
    ['String! => [String] in item position', `query Query($stringVar: String!)\n{\n  complicatedArgs {\n    stringListArgField(stringListArg: [$stringVar])\n  }\n}`],
    ['ComplexInput => ComplexInput', `query Query($complexVar: ComplexInput)\n{\n  complicatedArgs {\n    complexArgField(complexArg: $complexVar)\n  }\n}`],
    ['ComplexInput => ComplexInput in field position', `query Query($boolVar: Boolean = false)\n{\n  complicatedArgs {\n    complexArgField(complexArg: {requiredArg: $boolVar})\n  }\n}`],
    ['Boolean! => Boolean! in directive', `query Query($boolVar: Boolean!)\n{\n  dog @include(if: $boolVar)\n}`],
    ['Int => Int!', `query Query($intArg: Int) {\n  complicatedArgs {\n    nonNullIntArgField(nonNullIntArg: $intArg)\n  }\n}`],
    ['Int => Int! within fragment', `fragment nonNullIntArgFieldFrag on ComplicatedArgs {\n  nonNullIntArgField(nonNullIntArg: $intArg)\n}\nquery Query($intArg: Int) {\n  complicatedArgs {\n    ...nonNullIntArgFieldFrag\n  }\n}`],
    ['Int => Int! within nested fragment', `fragment outerFrag on ComplicatedArgs {\n  ...nonNullIntArgFieldFrag\n}\nfragment nonNullIntArgFieldFrag on ComplicatedArgs {\n  nonNullIntArgField(nonNullIntArg: $intArg)\n}\nquery Query($intArg: Int) {\n  complicatedArgs {\n    ...outerFrag\n  }\n}`],
    ['String over Boolean', `query Query($stringVar: String) {\n  complicatedArgs {\n    booleanArgField(booleanArg: $stringVar)\n  }\n}`],
    ['String => [String]', `query Query($stringVar: String) {\n  complicatedArgs {\n    stringListArgField(stringListArg: $stringVar)\n  }\n}`],
    ['Boolean => Boolean! in directive', `query Query($boolVar: Boolean) {\n  dog @include(if: $boolVar)\n}`],
    ['String => Boolean! in directive', `query Query($stringVar: String) {\n  dog @include(if: $stringVar)\n}`],
    ['[String] => [String!]', `query Query($stringListVar: [String])\n{\n  complicatedArgs {\n    stringListNonNullArgField(stringListNonNullArg: $stringListVar)\n  }\n}`],
    ['Int => Int! fails when variable provides null default value', `query Query($intVar: Int = null) {\n  complicatedArgs {\n    nonNullIntArgField(nonNullIntArg: $intVar)\n  }\n}`],
    ['Int => Int! when variable provides non-null default value', `query Query($intVar: Int = 1) {\n  complicatedArgs {\n    nonNullIntArgField(nonNullIntArg: $intVar)\n  }\n}`],
    ['Int => Int! when optional argument provides default value', `query Query($intVar: Int) {\n  complicatedArgs {\n    nonNullFieldWithDefault(nonNullIntArg: $intVar)\n  }\n}`],
    ['Int => Int! into arg with default value', `query Query($intVar: Int) {\n  complicatedArgs {\n    nonNullFieldWithDefault(arg: $intVar)\n  }\n}`],
    ['Boolean => Boolean! in directive with default', `query Query($boolVar: Boolean = false) {\n  dog @include(if: $boolVar)\n}`],
    ['interface/object positions', `query Q($id: ID, $i: Int) { human(id: $i) { name } other: human(id: $id) { name } }`],
    ['nullable variable into oneOf field', `query ($string: String) { complicatedArgs { oneOfArgField(oneOfArg: { stringField: $string }) } }`],
    ['non-null variable into oneOf field', `query ($string: String!) { complicatedArgs { oneOfArgField(oneOfArg: { stringField: $string }) } }`],
    ['nullable variable with default into oneOf field', `query ($string: String = "x") { complicatedArgs { oneOfArgField(oneOfArg: { stringField: $string }) } }`],
    ['variable in nested list positions', `query ($a: [[Int]], $b: [Int]) { complicatedArgs { stringListArgField(stringListArg: [$b]) intArgField(intArg: $a) } }`],
    ['variables in nested input object positions', `query ($c: Custom, $i: Inner, $l: [Int!], $ll: [[Int!]!], $col: Color) { f(i: { c: $c, nested: $i, withDefault: $l }, l: [$l], color: $col) a: f(l: $ll) b: f(l: [[$col]]) }`, 'scalars'],
    ['variable with default into non-null positions in lists', `query ($x: Int = 1, $y: [Int] = [1]) { f(l: [[$x]]) a: f(l: [$y]) }`, 'scalars'],
    ['non-null variable into required input and list', `query ($r: Inner, $rl: [Int]) { g(req: $r, reqList: $rl) }`, 'scalars'],
    ['same variable used twice with different positions', `query ($x: Int) { f(l: [[$x]]) complicatedArgs: f(b: $x) }`, 'scalars'],
    ['undefined and unknown-typed variables are ignored', `query ($a: Unknown) { complicatedArgs { intArgField(intArg: $a) booleanArgField(booleanArg: $b) } }`],
  ],
  UniqueInputFieldNamesRule: [
    ['input object with fields', `{ field(arg: { f: true }) }`],
    ['same input object within two args', `{ field(arg1: { f: true }, arg2: { f: true }) }`],
    ['multiple input object fields', `{ field(arg: { f1: "value", f2: "value", f3: "value" }) }`],
    ['allows for nested input objects with similar fields', `{\n  field(arg: {\n    deep: {\n      deep: {\n        id: 1\n      }\n      id: 1\n    }\n    id: 1\n  })\n}`],
    ['duplicate input object fields', `{ field(arg: { f1: "value", f1: "value" }) }`],
    ['many duplicate input object fields', `{ field(arg: { f1: "value", f1: "value", f1: "value" }) }`],
    ['nested duplicate input object fields', `{ field(arg: { f1: {f2: "value", f2: "value" }}) }`],
    ['duplicates in variable default and list', `query ($v: ComplexInput = { a: 1, a: 2 }) { field(arg: [{ x: 1, x: 2 }, { x: 1 }]) }`],
  ],
  MaxIntrospectionDepthRule: [
    ['default introspection query', `query IntrospectionQuery {\n  __schema {\n    queryType { name }\n    mutationType { name }\n    subscriptionType { name }\n    types { ...FullType }\n    directives { name description locations args { ...InputValue } }\n  }\n}\nfragment FullType on __Type {\n  kind name description\n  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }\n  inputFields { ...InputValue }\n  interfaces { ...TypeRef }\n  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }\n  possibleTypes { ...TypeRef }\n}\nfragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }\nfragment TypeRef on __Type {\n  kind name\n  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }\n}`],
    ['3 flat fields', `{ __type(name: "Query") { trueFields: fields { name } falseFields: fields { name } hugeFields: fields { name } } }`],
    ['3 interfaces deep', `{\n  __type(name: "Query") {\n    interfaces {\n      interfaces {\n        interfaces {\n          name\n        }\n      }\n    }\n  }\n}`],
    ['3 possibleTypes deep', `{\n  __type(name: "Query") {\n    possibleTypes {\n      possibleTypes {\n        possibleTypes {\n          name\n        }\n      }\n    }\n  }\n}`],
    ['3 inputFields deep', `{\n  __type(name: "Query") {\n    inputFields {\n      type {\n        inputFields {\n          type {\n            inputFields {\n              type {\n                name\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n}`],
    ['3 fields deep', `{\n  __schema {\n    types {\n      fields {\n        type {\n          fields {\n            type {\n              fields {\n                name\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n}`],
    ['3 fields deep through fragments', `{\n  __schema {\n    types {\n      ...One\n    }\n  }\n}\nfragment One on __Type {\n  fields {\n    type {\n      ...Two\n    }\n  }\n}\nfragment Two on __Type {\n  fields {\n    type {\n      ...Three\n    }\n  }\n}\nfragment Three on __Type {\n  fields {\n    name\n  }\n}`],
    ['recursive fragments', `{\n  __schema {\n    types {\n      ...Cycle\n    }\n  }\n}\nfragment Cycle on __Type {\n  ...Cycle\n}`],
    ['mixed depth fragment reuse', `{\n  a: __type(name: "Query") { ...F }\n  b: __type(name: "Query") { fields { type { ...F } } }\n}\nfragment F on __Type { fields { type { name } } }`],
    ['unknown fragment', `{ __schema { types { ...Unknown } } }`],
  ],
  OverlappingFieldsCanBeMergedRule: [
    ['unique fields', `fragment uniqueFields on Dog {\n  name\n  nickname\n}`],
    ['identical fields', `fragment mergeIdenticalFields on Dog {\n  name\n  name\n}`],
    ['identical fields with identical args', `fragment mergeIdenticalFieldsWithIdenticalArgs on Dog {\n  doesKnowCommand(dogCommand: SIT)\n  doesKnowCommand(dogCommand: SIT)\n}`],
    ['identical fields with identical directives', `fragment mergeSameFieldsWithSameDirectives on Dog {\n  name @include(if: true)\n  name @include(if: true)\n}`],
    ['different args with different aliases', `fragment differentArgsWithDifferentAliases on Dog {\n  knowsSit: doesKnowCommand(dogCommand: SIT)\n  knowsDown: doesKnowCommand(dogCommand: DOWN)\n}`],
    ['different directives with different aliases', `fragment differentDirectivesWithDifferentAliases on Dog {\n  nameIfTrue: name @include(if: true)\n  nameIfFalse: name @include(if: false)\n}`],
    ['different skip/include directives accepted', `fragment differentDirectivesWithDifferentAliases on Dog {\n  name @include(if: true)\n  name @include(if: false)\n}`],
    ['Same aliases with different field targets', `fragment sameAliasesWithDifferentFieldTargets on Dog {\n  fido: name\n  fido: nickname\n}`],
    ['Same aliases allowed on non-overlapping fields', `fragment sameAliasesWithDifferentFieldTargets on Pet {\n  ... on Dog {\n    name\n  }\n  ... on Cat {\n    name: nickname\n  }\n}`],
    ['Alias masking direct field access', `fragment aliasMaskingDirectFieldAccess on Dog {\n  name: nickname\n  name\n}`],
    ['different args, second adds an argument', `fragment conflictingArgs on Dog {\n  doesKnowCommand\n  doesKnowCommand(dogCommand: HEEL)\n}`],
    ['different args, second missing an argument', `fragment conflictingArgs on Dog {\n  doesKnowCommand(dogCommand: SIT)\n  doesKnowCommand\n}`],
    ['conflicting arg values', `fragment conflictingArgs on Dog {\n  doesKnowCommand(dogCommand: SIT)\n  doesKnowCommand(dogCommand: HEEL)\n}`],
    ['conflicting arg names', `fragment conflictingArgs on Dog {\n  isAtLocation(x: 0)\n  isAtLocation(y: 0)\n}`],
    ['allows different args where no conflict is possible', `fragment conflictingArgs on Pet {\n  ... on Dog {\n    name(surname: true)\n  }\n  ... on Cat {\n    name\n  }\n}`],
    ['allows different order of args', `{\n  someField(a: null, b: null)\n  someField(b: null, a: null)\n}`, 'boxes'],
    ['allows different order of input object fields in arg values', `{\n  someField(arg: { a: null, b: null })\n  someField(arg: { b: null, a: null })\n}`, 'boxes'],
    ['int and float literals differ', `{\n  someField(a: 1)\n  someField(a: 1.0)\n}`, 'boxes'],
    ['string and block string literals differ', `{\n  someField(a: "x")\n  someField(a: """x""")\n}`, 'boxes'],
    ['variables compare by name', `query ($x: String, $y: String) {\n  someField(a: $x)\n  someField(a: $y)\n  same: someField(a: $x)\n  same: someField(a: $x)\n}`, 'boxes'],
    ['encounters conflict in fragments', `{\n  ...A\n  ...B\n}\nfragment A on Type {\n  x: a\n}\nfragment B on Type {\n  x: b\n}`],
    ['reports each conflict once', `{\n  f1 {\n    ...A\n    ...B\n  }\n  f2 {\n    ...B\n    ...A\n  }\n  f3 {\n    ...A\n    ...B\n    x: c\n  }\n}\nfragment A on Type {\n  x: a\n}\nfragment B on Type {\n  x: b\n}`],
    ['deep conflict', `{\n  field {\n    x: a\n  },\n  field {\n    x: b\n  }\n}`],
    ['deep conflict with multiple issues', `{\n  field {\n    x: a\n    y: c\n  },\n  field {\n    x: b\n    y: d\n  }\n}`],
    ['very deep conflict', `{\n  field {\n    deepField {\n      x: a\n    }\n  },\n  field {\n    deepField {\n      x: b\n    }\n  }\n}`],
    ['reports deep conflict to nearest common ancestor', `{\n  field {\n    deepField {\n      x: a\n    }\n    deepField {\n      x: b\n    }\n  },\n  field {\n    deepField {\n      y\n    }\n  }\n}`],
    ['reports deep conflict to nearest common ancestor in fragments', `{\n  field {\n    ...F\n  }\n  field {\n    ...F\n  }\n}\nfragment F on T {\n  deepField {\n    deeperField {\n      x: a\n    }\n    deeperField {\n      x: b\n    }\n  },\n  deepField {\n    deeperField {\n      y\n    }\n  }\n}`],
    ['reports deep conflict in nested fragments', `{\n  field {\n    ...I\n  }\n  field {\n    ...F\n  }\n}\nfragment F on T {\n  x: a\n  ...G\n}\nfragment G on T {\n  y: c\n}\nfragment I on T {\n  y: d\n  ...J\n}\nfragment J on T {\n  x: b\n}`],
    ['reports deep conflict after nested fragments', `fragment F on T {\n  ...G\n}\nfragment G on T {\n  ...H\n}\nfragment H on T {\n  x: a\n}\n{\n  x: b\n  ...F\n}`],
    ['ignores unknown fragments', `{\n  field\n  ...Unknown\n  ...Known\n}\n\nfragment Known on T {\n  field\n  ...OtherUnknown\n}`],
    ['conflicting return types which potentially overlap', `{\n  someBox {\n    ...on IntBox {\n      scalar\n    }\n    ...on NonNullStringBox1 {\n      scalar\n    }\n  }\n}`, 'boxes'],
    ['compatible return shapes on different return types', `{\n  someBox {\n    ... on SomeBox {\n      deepBox {\n        unrelatedField\n      }\n    }\n    ... on StringBox {\n      deepBox {\n        unrelatedField\n      }\n    }\n  }\n}`, 'boxes'],
    ['disallows differing return types despite no overlap', `{\n  someBox {\n    ... on IntBox {\n      scalar\n    }\n    ... on StringBox {\n      scalar\n    }\n  }\n}`, 'boxes'],
    ['reports correctly when a non-exclusive follows an exclusive', `{\n  someBox {\n    ... on IntBox {\n      deepBox {\n        ...X\n      }\n    }\n  }\n  someBox {\n    ... on StringBox {\n      deepBox {\n        ...Y\n      }\n    }\n  }\n  memoed: someBox {\n    ... on IntBox {\n      deepBox {\n        ...X\n      }\n    }\n  }\n  memoed: someBox {\n    ... on StringBox {\n      deepBox {\n        ...Y\n      }\n    }\n  }\n  other: someBox {\n    ...X\n  }\n  other: someBox {\n    ...Y\n  }\n}\nfragment X on SomeBox {\n  scalar\n}\nfragment Y on SomeBox {\n  scalar: unrelatedField\n}`, 'boxes'],
    ['disallows differing return type nullability despite no overlap', `{\n  someBox {\n    ... on NonNullStringBox1 {\n      scalar\n    }\n    ... on StringBox {\n      scalar\n    }\n  }\n}`, 'boxes'],
    ['disallows differing return type list despite no overlap', `{\n  someBox {\n    ... on IntBox {\n      box: listStringBox {\n        scalar\n      }\n    }\n    ... on StringBox {\n      box: stringBox {\n        scalar\n      }\n    }\n  }\n}`, 'boxes'],
    ['disallows differing return type list despite no overlap (reverse)', `{\n  someBox {\n    ... on IntBox {\n      box: stringBox {\n        scalar\n      }\n    }\n    ... on StringBox {\n      box: listStringBox {\n        scalar\n      }\n    }\n  }\n}`, 'boxes'],
    ['disallows differing subfields', `{\n  someBox {\n    ... on IntBox {\n      box: stringBox {\n        val: scalar\n        val: unrelatedField\n      }\n    }\n    ... on StringBox {\n      box: stringBox {\n        val: scalar\n      }\n    }\n  }\n}`, 'boxes'],
    ['disallows differing deep return types despite no overlap', `{\n  someBox {\n    ... on IntBox {\n      box: stringBox {\n        scalar\n      }\n    }\n    ... on StringBox {\n      box: intBox {\n        scalar\n      }\n    }\n  }\n}`, 'boxes'],
    ['allows non-conflicting overlapping types', `{\n  someBox {\n    ... on IntBox {\n      scalar: unrelatedField\n    }\n    ... on StringBox {\n      scalar\n    }\n  }\n}`, 'boxes'],
    ['same wrapped scalar return types', `{\n  someBox {\n    ...on NonNullStringBox1 {\n      scalar\n    }\n    ...on NonNullStringBox2 {\n      scalar\n    }\n  }\n}`, 'boxes'],
    ['allows inline fragments without type condition', `{\n  a\n  ... {\n    a\n  }\n}`, 'boxes'],
    ['compares deep types including list', `{\n  connection {\n    ...edgeID\n    edges {\n      node {\n        id: name\n      }\n    }\n  }\n}\n\nfragment edgeID on Connection {\n  edges {\n    node {\n      id\n    }\n  }\n}`, 'boxes'],
    ['ignores unknown types', `{\n  someBox {\n    ...on UnknownType {\n      scalar\n    }\n    ...on NonNullStringBox2 {\n      scalar\n    }\n  }\n}`, 'boxes'],
    ['does not infinite loop on recursive fragment', `{\n  ...fragA\n}\n\nfragment fragA on Human { name, relatives { name, ...fragA } }`],
    ['does not infinite loop on immediately recursive fragment', `{\n  ...fragA\n}\n\nfragment fragA on Human { name, ...fragA }`],
    ['does not infinite loop on recursive fragment with a field named after fragment', `{\n  ...fragA\n  fragA\n}\n\nfragment fragA on Query { ...fragA }`],
    ['finds invalid cases even with field named after fragment', `{\n  fragA\n  ...fragA\n}\n\nfragment fragA on Type {\n  fragA: b\n}`],
    ['does not infinite loop on transitively recursive fragment', `{\n  ...fragA\n  fragB\n}\n\nfragment fragA on Human { name, ...fragB }\nfragment fragB on Human { name, ...fragC }\nfragment fragC on Human { name, ...fragA }`],
    ['finds invalid case even with immediately recursive fragment', `fragment sameAliasesWithDifferentFieldTargets on Dog {\n  ...sameAliasesWithDifferentFieldTargets\n  fido: name\n  fido: nickname\n}`],
    ['does not infinite loop on recursive fragments separated by fields', `{\n  ...fragA\n  ...fragB\n}\n\nfragment fragA on T {\n  x {\n    ...fragA\n    x {\n      ...fragA\n    }\n  }\n}\n\nfragment fragB on T {\n  x {\n    ...fragB\n    x {\n      ...fragB\n    }\n  }\n}`],
    ['conflicts on real schema through interfaces', `{\n  pet { name ... on Dog { name: nickname } }\n  catOrDog { ... on Cat { x: name } ... on Dog { x: barkVolume } }\n  dog { ... on Pet { name(surname: true) } name }\n}`],
    ['typename on union members', `{ catOrDog { __typename ... on Dog { __typename: name } } }`],
    ['nested fragment spreads with differing fields', `{ dog { ...A } dog { ...B } }\nfragment A on Dog { mother { name } }\nfragment B on Dog { mother { name: nickname } }`],
    ['single inline fragment selection set', `{ dog { ... { name: nickname name } } }`],
  ],
};

// Seeded random documents over the harness schema (valid and invalid fields, aliases that collide, fragments that
// spread each other, inline fragments on any type, literal and variable arguments, @skip/@include).
function randomDocuments(count, seed) {
  let state = seed >>> 0;
  const next = (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const pick = (list) => list[next(list.length)];
  const fields = ['name', 'nickname', 'barkVolume', 'barks', 'mother', 'father', 'pets', 'relatives', 'dog', 'cat',
    'human', 'catOrDog', 'pet', 'meows', '__typename', 'unknown', 'doesKnowCommand', 'isAtLocation', 'complicatedArgs',
    'complexArgField', 'oneOfArgField', 'intArgField', 'furColor', 'multipleReqs'];
  const types = ['Dog', 'Cat', 'Pet', 'CatOrDog', 'Human', 'Mammal', 'Canine', 'QueryRoot', 'Unknown', 'String', 'ComplexInput'];
  const args = ['dogCommand', 'x', 'y', 'complexArg', 'oneOfArg', 'intArg', 'surname', 'req1', 'atOtherHomes'];
  const values = ['1', '1.5', '"s"', 'true', 'null', 'SIT', 'HEEL', '[1, 2]', '{ requiredField: true }',
    '{ intField: 1, stringField: "x" }', '$a', '$b', '$c', '[$a]', '{ stringField: $a }', '{ requiredField: $b }'];
  const docs = [];
  for (let d = 0; d < count; d++) {
    const fragmentCount = next(5);
    const selectionSet = (depth) => {
      let out = '{ ';
      const n = 1 + next(depth > 3 ? 1 : 4);
      for (let i = 0; i < n; i++) {
        const roll = next(10);
        if (roll < 2 && fragmentCount > 0) {
          out += `...F${next(fragmentCount)}${next(5) === 0 ? ' @include(if: $b)' : ''} `;
          continue;
        }
        if (roll < 3) {
          out += (next(3) === 0 ? '... ' : `... on ${pick(types)} `) + selectionSet(depth + 1);
          continue;
        }
        if (next(3) === 0) out += next(2) === 0 ? 'x: ' : 'y: ';
        out += pick(fields);
        if (next(3) === 0) {
          out += `(${pick(args)}: ${pick(values)}${next(3) === 0 ? `, ${pick(args)}: ${pick(values)}` : ''})`;
        }
        if (next(6) === 0) out += next(2) === 0 ? ' @include(if: $b)' : ' @skip(if: true)';
        if (next(12) === 0) out += ' @onField';
        out += ' ';
        if (depth < 5 && next(2) === 0) out += selectionSet(depth + 1);
      }
      return out + '} ';
    };
    let doc = `query Q${d}(${next(2) ? '$a: String, ' : ''}$b: Boolean!, $c: ${pick(['Int', 'ComplexInput', 'Dog', 'OneOfInput!'])}) ${selectionSet(0)}`;
    for (let f = 0; f < fragmentCount; f++) doc += `\nfragment F${f} on ${pick(types)} ${selectionSet(1)}`;
    if (next(8) === 0) doc += `\nsubscription { dog { name } }`;
    docs.push([`random ${d}`, doc]);
  }
  return docs;
}

cases.Random = randomDocuments(400, 20261122);

// Seeded random documents that follow the harness schema's types (mostly valid fields, arguments of the right
// shape, aliases that collide), so the deeper rules (overlapping fields, variable positions) see real types.
async function typedRandomDocuments(count, seed) {
  const { createRequire } = await import('node:module');
  const graphql = createRequire(import.meta.url)('graphql');
  const schema = graphql.buildSchema(readFileSync(new URL('harness.graphql', import.meta.url), 'utf8'));
  let state = seed >>> 0;
  const next = (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const pick = (list) => list[next(list.length)];
  const literal = (type, depth = 0) => {
    const named = graphql.getNamedType(type);
    if (next(12) === 0) return pick(['null', '$i', '$s', '$b', '$cmd', '1', '"x"']);
    if (graphql.isListType(graphql.getNullableType(type)) && next(2) === 0) {
      return `[${literal(graphql.getNullableType(type).ofType, depth + 1)}]`;
    }
    if (graphql.isEnumType(named)) return pick(named.getValues()).name;
    if (graphql.isInputObjectType(named)) {
      if (depth > 2) return '{}';
      const fields = Object.values(named.getFields()).filter(() => next(2) === 0);
      return `{ ${fields.map((f) => `${f.name}: ${literal(f.type, depth + 1)}`).join(', ')} }`;
    }
    return { Int: '1', Float: '1.5', String: '"s"', Boolean: 'true', ID: '"4"' }[named.name] ?? 'null';
  };
  const selectionSet = (type, depth) => {
    let out = '{ ';
    const n = 1 + next(depth > 2 ? 2 : 4);
    for (let i = 0; i < n; i++) {
      const roll = next(12);
      if (roll === 0) {
        const possible = graphql.isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
        const cond = pick([...possible, ...(type.getInterfaces?.() ?? []), type]);
        out += `... on ${cond.name} ${selectionSet(cond, depth + 1)}`;
        continue;
      }
      const fields = graphql.isUnionType(type) ? [] : Object.values(type.getFields());
      if (fields.length === 0 || roll === 1) {
        out += pick(['__typename ', 'x: __typename ']);
        continue;
      }
      const field = pick(fields);
      if (next(4) === 0) out += `${pick(['x', 'y', 'name', 'mother'])}: `;
      out += field.name;
      const args = field.args.filter(() => next(2) === 0);
      if (args.length) out += `(${args.map((a) => `${a.name}: ${literal(a.type)}`).join(', ')})`;
      if (next(8) === 0) out += ' @include(if: $b)';
      const named = graphql.getNamedType(field.type);
      out += ' ';
      if (graphql.isCompositeType(named)) out += depth < 4 ? selectionSet(named, depth + 1) : '{ __typename } ';
    }
    return out + '} ';
  };
  const docs = [];
  for (let d = 0; d < count; d++) {
    const vars = `$i: ${pick(['Int', 'Int!', 'String'])}, $s: ${pick(['String', '[String]', 'String!'])}, $b: ${pick(['Boolean!', 'Boolean', 'Boolean = true'])}, $cmd: ${pick(['DogCommand', 'DogCommand!', 'FurColor'])}`;
    docs.push([`typed random ${d}`, `query Q(${vars}) ${selectionSet(schema.getQueryType(), 0)}`]);
  }
  return docs;
}

cases.TypedRandom = await typedRandomDocuments(250, 424242);
