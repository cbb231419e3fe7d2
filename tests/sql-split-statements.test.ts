import { describe, expect, it } from 'vitest';
import { isCompleteInput, splitStatements } from '../src/app/explore/sql/split-statements.js';

const texts = (script: string): string[] => splitStatements(script).map((s) => s.text);

describe('splitStatements', () => {
  it('splits on semicolons and keeps a final statement without one', () => {
    expect(texts('select 1; select 2;\nselect 3')).toEqual(['select 1', 'select 2', 'select 3']);
  });

  it('ignores semicolons in single quotes, doubled quotes and E-strings', () => {
    expect(texts(`select 'a;b', 'it''s;'; select E'x\\';y'; select 2`)).toEqual([
      `select 'a;b', 'it''s;'`,
      `select E'x\\';y'`,
      'select 2',
    ]);
  });

  it('ignores semicolons in quoted identifiers and dollar-quoted strings', () => {
    expect(texts('select 1 as "a;b"; select $$x;y$$; select $tag$ $$ ; $tag$')).toEqual([
      'select 1 as "a;b"',
      'select $$x;y$$',
      'select $tag$ $$ ; $tag$',
    ]);
  });

  it('ignores semicolons in line and (nested) block comments and drops comment-only statements', () => {
    expect(texts('-- a; b\nselect 1; /* x; /* y; */ z; */ select 2; -- trailing;\n')).toEqual([
      '-- a; b\nselect 1',
      '/* x; /* y; */ z; */ select 2',
    ]);
  });

  it('reports the line each statement starts on', () => {
    expect(splitStatements('select 1;\n\nselect\n2;').map((s) => s.line)).toEqual([1, 3]);
  });

  it('treats a $ inside a word (a parameter like $1) as plain text', () => {
    expect(texts('select $1; select a$b$ from t;')).toEqual(['select $1', 'select a$b$ from t']);
  });
});

describe('isCompleteInput', () => {
  it('is complete only when a ; ends the input outside quotes and comments', () => {
    expect(isCompleteInput('select 1;')).toBe(true);
    expect(isCompleteInput('select 1; -- done')).toBe(true);
    expect(isCompleteInput('select 1')).toBe(false);
    expect(isCompleteInput("select ';")).toBe(false);
    expect(isCompleteInput('select $$;')).toBe(false);
    expect(isCompleteInput('select 1 /* ;')).toBe(false);
    expect(isCompleteInput('select 1;\nselect')).toBe(false);
  });
});
