// Writes data.json: 50 books, each with an author; 3 scalar fields per object.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const countries = ['NO', 'US', 'FR', 'JP', 'BR'];
const books = Array.from({ length: 50 }, (_, i) => ({
  title: `Book ${i + 1}`,
  year: 1950 + i,
  pages: 100 + i * 7,
  author: { name: `Author ${(i % 17) + 1}`, country: countries[i % countries.length], born: 1900 + (i % 17) * 3 },
}));
writeFileSync(fileURLToPath(new URL('./data.json', import.meta.url)), JSON.stringify({ books }, null, 2) + '\n');
