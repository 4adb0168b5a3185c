// Generates data.json (the root value). Run: node scripts/make-data.mjs
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const user = (id, name, extra = {}) => ({ __typename: 'User', id, name, createdAt: '2020-01-0' + id.slice(-1) + 'T00:00:00Z', email: `${name.toLowerCase()}@example.com`, ...extra });
const alice = user('u1', 'Alice');
const bob = user('u2', 'Bob', { email: null });
const carol = user('u3', 'Carol', { createdAt: null });
const viewer = { ...alice, friends: [bob, null, { ...carol, friends: [alice] }], bestFriend: { ...bob, bestFriend: carol } };

const authorBase = (id, name, bio) => ({ __typename: 'Author', id, name, createdAt: '1990-05-0' + id.slice(-1) + 'T12:00:00Z', bio });
const review = (id, stars, body, reviewer) => ({ __typename: 'Review', id, stars, body, reviewer });
const book = (id, title, genre, author, extra = {}) => ({
  __typename: 'Book', id, title, isbn: `978-0-00-00000${id.slice(-1)}-0`, identifiers: [`isbn:${id}`, `oclc:${id}`], genre,
  pages: 100 + Number(id.slice(-1)) * 37, rating: 3.5 + Number(id.slice(-1)) / 10, available: Number(id.slice(-1)) % 2 === 1,
  author, coAuthors: [], tags: ['classic', genre.toLowerCase()], publishedAt: `19${50 + Number(id.slice(-1))}-03-01T00:00:00Z`,
  metadata: { edition: Number(id.slice(-1)), formats: ['hardcover', 'ebook'], extra: null },
  reviews: [
    review(`r${id}a`, 5, 'Loved it', alice),
    review(`r${id}b`, 2, null, authorBase('a9', 'Critic', 'Harsh')),
  ],
  related: [], ...extra,
});
const ursula = authorBase('a1', 'Ursula', 'Wrote about other worlds.');
const toni = authorBase('a2', 'Toni', null);
const b1 = book('b1', 'The Dispossessed', 'FICTION', ursula, { coAuthors: [toni, null] });
const b2 = book('b2', 'Beloved', 'FICTION', toni);
const b3 = book('b3', 'Collected Poems', 'POETRY', null, { rating: null, genre: 'POETRY' });
const b4 = book('b4', 'A History', 'HISTORY', toni, { reviews: null, pages: null });
b1.related = [b2, null, b3];
const authors = [
  { ...ursula, books: [b1, b3], favoriteBook: b1 },
  { ...toni, books: [b2, b4], favoriteBook: null },
];
b1.author = { ...ursula, books: [b3], favoriteBook: null };

const nullShape = (name, extra = {}) => ({
  name,
  nullable: null,
  // nonNull is deliberately missing: selecting it raises a field error.
  nested: { name: `${name}.nested`, nonNull: 'present', nullable: 'x', nested: { name: `${name}.nested.nested` }, nonNullNested: { name: `${name}.nested.nnn`, nonNull: 'deep' } },
  nonNullNested: { name: `${name}.nnn` },
  list: ['a', null, 'c'],
  listOfNonNull: ['a', null, 'c'],
  nonNullList: null,
  nonNullListOfNonNull: ['x', null],
  objects: [{ name: 'o1', nonNull: 'ok1' }, { name: 'o2' }, null],
  nonNullObjects: [{ name: 'p1', nonNull: 'ok' }, null],
  nonNullObjectsNonNull: [{ name: 'q1', nonNull: 'ok' }, { name: 'q2' }],
  matrix: [[{ name: 'm00', nonNull: 'ok' }], [{ name: 'm10' }, null], null],
  union: { __typename: 'Book', ...b2 },
  unions: [{ __typename: 'Author', ...ursula }, { id: 'x1', name: 'NoTypename' }],
  ...extra,
});
const goodNulls = {
  name: 'good', nullable: 'v', nonNull: 'v', nested: { name: 'g1', nonNull: 'v', nested: null, nonNullNested: { name: 'g2', nonNull: 'v' } },
  nonNullNested: { name: 'g3', nonNull: 'v', nonNullNested: { name: 'g4', nonNull: 'v' } },
  list: [], listOfNonNull: ['a'], nonNullList: [null], nonNullListOfNonNull: [], objects: [], nonNullObjects: [{ name: 'g5', nonNull: 'v' }],
  nonNullObjectsNonNull: [{ name: 'g6', nonNull: 'v' }], matrix: [[], [{ name: 'g7', nonNull: 'v' }]], union: null, unions: [],
};

const data = {
  node: b1,
  nodes: [b2, { ...ursula }, null, alice],
  book: b1,
  books: [b1, b2, b3, b4],
  authors,
  users: [alice, null, bob],
  search: [b2, { ...toni }, carol],
  viewer,
  scalars: { int: 42, float: 3.5, string: 'hello', boolean: true, id: 'abc', genre: 'POETRY', date: '2024-01-01T00:00:00Z', json: { a: [1, { b: null }], s: 'x' }, ints: [1, null, 3], matrix: [[1], [2, null], null, []] },
  scalarsList: [
    { int: -7, float: 2, string: 12, boolean: false, id: 7, genre: 'HISTORY', date: 1700000000, json: [1, 'two', true, null], ints: [], matrix: [[]] },
    { int: 1.5, float: '1.25', string: true, boolean: 0, id: 'x', genre: 'SCIFI' },
    { int: 3000000000, string: 1.5, boolean: 'true', id: 12.5, genre: 'BOGUS' },
    { int: 'NaN', float: 'abc', ints: [1, 'two', 3], json: 'plain' },
    { int: '12', float: true, id: true, string: false },
    { int: false, float: -0.5, string: '', boolean: 1 },
  ],
  nulls: nullShape('nulls'),
  nonNullNulls: nullShape('nonNullNulls'),
  nullsList: [nullShape('l0'), null, goodNulls],
  goodNulls,
  probe: { ok: true, label: 'probe' },
  required: { ok: true, label: 'required' },
  requiredWithDefault: { ok: true, label: 'requiredWithDefault' },
  oldField: 'old',
  legacyProbe: { ok: false, label: 'legacy' },
  dog: { __typename: 'Dog', name: 'Rex', nickname: 'Rexy', barkVolume: 3, doesKnowCommand: true, isHouseTrained: false, owner: bob },
  pet: { __typename: 'Cat', name: 'Tom', nickname: null, meowVolume: 2, lives: 9 },
  pets: [
    { __typename: 'Dog', name: 'Rex', nickname: 'Rexy', barkVolume: 3 },
    { __typename: 'Cat', name: 'Tom', meowVolume: 2, lives: 9 },
    null,
    { __typename: 'Cat', name: 'Ghost', meowVolume: 0 },
  ],
  // Mutation root fields (same root value).
  addBook: { ...b2, id: 'b5', title: 'New Book', reviews: [] },
  rateBook: review('r9', 4, 'Fine', bob),
  deleteBook: true,
  touch: { ok: true, label: 'touched' },
  // Subscription root fields.
  bookAdded: b3,
  reviewAdded: review('r10', 3, 'Meh', null),
};

const out = fileURLToPath(new URL('../data.json', import.meta.url));
writeFileSync(out, JSON.stringify(data, null, 2) + '\n');
console.log('wrote', out);
