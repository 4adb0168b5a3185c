// Seeded random operations over the corpus schema: random selections, aliases drawn from a tiny pool (so
// field-merging conflicts happen), arguments with valid and invalid literals, variables, fragments on abstract
// types, @skip/@include, and occasional deliberate mistakes. Deterministic: same seed, same corpus.
import { readFileSync } from 'node:fs';
import {
  buildSchema, getNamedType, getNullableType, isAbstractType, isCompositeType, isEnumType, isInputObjectType,
  isLeafType, isListType, isNonNullType,
} from 'graphql';

const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
const COUNT = Number(process.env.FUZZ_COUNT ?? 160);

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(seed) {
  const rnd = mulberry32(seed);
  const chance = (p) => rnd() < p;
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
  const fragments = [];
  let fragmentCounter = 0;
  const variables = [];
  const values = {};

  function literal(type, depth = 0) {
    if (isNonNullType(type)) return chance(0.03) ? 'null' : literal(type.ofType, depth);
    if (chance(0.05)) return 'null';
    if (isListType(type)) {
      if (chance(0.3)) return literal(type.ofType, depth + 1);
      const n = Math.floor(rnd() * 3);
      return `[${Array.from({ length: n }, () => literal(type.ofType, depth + 1)).join(', ')}]`;
    }
    if (isEnumType(type)) {
      return chance(0.08) ? pick(['"FICTION"', 'UNKNOWN_VALUE', '1']) : pick(type.getValues()).name;
    }
    if (isInputObjectType(type)) {
      if (depth > 2) return '{}';
      const fields = Object.values(type.getFields());
      const chosen = type.isOneOf ? [pick(fields)] : fields.filter((f) => isNonNullType(f.type) || chance(0.4));
      if (chance(0.05)) chosen.push({ name: 'notAField', type: schema.getType('Int') });
      return `{ ${chosen.map((f) => `${f.name}: ${literal(f.type, depth + 1)}`).join(', ')} }`;
    }
    switch (type.name) {
      case 'Int': return pick(['0', '7', '-3', '2147483647', chance(0.1) ? '2147483648' : '42', chance(0.1) ? '1.5' : '12']);
      case 'Float': return pick(['1.5', '-0.25', '3', '6.02e23', chance(0.1) ? '"1.5"' : '0.0']);
      case 'String': return pick(['"abc"', '""', '"with \\"quotes\\""', '"""block"""', chance(0.1) ? '5' : '"x"']);
      case 'Boolean': return pick(['true', 'false', chance(0.1) ? '"true"' : 'true']);
      case 'ID': return pick(['"b1"', '42', '"u1"', chance(0.1) ? '1.5' : '"x"']);
      default: return pick(['"2020-01-01"', '{ a: 1 }', '[1, "two"]', '3']); // custom scalars take anything
    }
  }

  function jsValue(type) {
    if (isNonNullType(type)) return jsValue(type.ofType);
    if (isListType(type)) return chance(0.3) ? jsValue(type.ofType) : [jsValue(type.ofType)];
    if (isEnumType(type)) return chance(0.1) ? 'nope' : pick(type.getValues()).name;
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      const chosen = type.isOneOf ? [pick(fields)] : fields.filter((f) => isNonNullType(f.type));
      return Object.fromEntries(chosen.map((f) => [f.name, jsValue(f.type)]));
    }
    switch (type.name) {
      case 'Int': return chance(0.1) ? 'seven' : 7;
      case 'Float': return 2.5;
      case 'Boolean': return chance(0.1) ? 1 : true;
      case 'ID': return chance(0.5) ? 9 : 'id9';
      default: return 'text';
    }
  }

  function argumentsFor(field) {
    const args = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined ? !chance(0.05) : chance(0.35));
    if (args.length === 0) return '';
    const parts = args.map((a) => {
      if (chance(0.2)) {
        const name = `v${variables.length}`;
        const declared = chance(0.1) ? getNullableType(a.type) : a.type;
        variables.push(`$${name}: ${declared}`);
        if (!chance(0.15)) values[name] = jsValue(a.type);
        return `${a.name}: $${name}`;
      }
      return `${a.name}: ${literal(a.type)}`;
    });
    return `(${parts.join(', ')})`;
  }

  function directives() {
    if (!chance(0.12)) return '';
    return pick([' @skip(if: false)', ' @include(if: true)', ' @skip(if: true)', ' @include(if: false)', ' @tag(name: "t")']);
  }

  function selection(type, depth) {
    const out = [];
    let fields = 'getFields' in type ? Object.values(type.getFields()) : [];
    if (depth >= 3) fields = fields.filter((f) => isLeafType(getNamedType(f.type)));
    const n = fields.length ? 1 + Math.floor(rnd() * 3) : 0;
    const distinct = chance(0.85);
    const used = new Set();
    for (let i = 0; i < n; i++) {
      let f = pick(fields);
      if (distinct) {
        const rest = fields.filter((x) => !used.has(x.name));
        if (rest.length === 0) break;
        f = pick(rest);
      }
      used.add(f.name);
      const alias = chance(0.15) ? `${pick(['a', 'b'])}: ` : '';
      const named = getNamedType(f.type);
      let sub = '';
      if (isCompositeType(named)) {
        sub = chance(0.02) ? '' : ` { ${selection(named, depth + 1)} }`;
      } else if (chance(0.004)) {
        sub = ' { oops }';
      }
      out.push(`${alias}${f.name}${argumentsFor(f)}${directives()}${sub}`);
    }
    if (chance(0.3) || out.length === 0) out.push(chance(0.2) ? 't: __typename' : '__typename');
    if (isAbstractType(type) || (chance(0.2) && isCompositeType(type))) {
      const possible = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
      const k = 1 + Math.floor(rnd() * 2);
      for (let i = 0; i < k; i++) {
        const target = chance(0.05) ? pick([schema.getType('Dog'), schema.getType('Probe')]) : pick(possible);
        if (chance(0.4) && depth < 3) {
          const name = `F${fragmentCounter++}`;
          fragments.push(`fragment ${name} on ${target.name} { ${selection(target, depth + 1)} }`);
          out.push(`...${name}${directives()}`);
        } else {
          out.push(`... on ${target.name}${directives()} { ${selection(target, depth + 1)} }`);
        }
      }
    }
    if (chance(0.02)) out.push('notAField');
    return out.join(' ');
  }

  const mutation = chance(0.12);
  const root = mutation ? schema.getMutationType() : schema.getQueryType();
  const body = selection(root, 0);
  const header = `${mutation ? 'mutation' : 'query'} Fuzz${seed}${variables.length ? `(${variables.join(', ')})` : ''}`;
  const query = [`${header} { ${body} }`, ...fragments].join('\n');
  return [`fuzz/seed-${seed}`, query, variables.length ? values : undefined];
}

export default Array.from({ length: COUNT }, (_, i) => generate(1000 + i));
