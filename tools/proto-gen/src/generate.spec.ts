import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from './generate';
import { findProtoFiles, loadProtoRoot } from './load';

function generateFrom(files: Record<string, string>): Map<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proto-gen-spec-'));
  try {
    for (const [file, source] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), `syntax = "proto3";\npackage demo.v1;\n${source}`);
    }
    return generate(loadProtoRoot(dir, findProtoFiles(dir)), dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('proto-gen', () => {
  const output = generateFrom({
    'demo/v1/a.proto': `
      // Colour of a thing.
      enum Colour { COLOUR_UNSPECIFIED = 0; COLOUR_RED = 1; }
      message Outer {
        message Inner { int64 offset = 1; }
        repeated Inner inners = 1;
        optional string label = 2;
      }`,
    'demo/v1/b.proto': `
      import "demo/v1/a.proto";
      message UsesA { Colour colour = 1; Outer outer = 2; }
      service Demo { rpc Get(UsesA) returns (Outer); }`,
  });

  it('writes one module per .proto file plus an index', () => {
    expect([...output.keys()].sort()).toEqual(['demo/v1/a.ts', 'demo/v1/b.ts', 'index.ts']);
    expect(output.get('index.ts')).toContain("export * from './demo/v1/a';");
  });

  it('names nested types Parent_Child and strips enum value prefixes', () => {
    const a = output.get('demo/v1/a.ts') as string;
    expect(a).toContain('export interface Outer_Inner {');
    expect(a).toContain('export enum Colour {\n  UNSPECIFIED = 0,\n  RED = 1,\n}');
    expect(a).toContain('/** Colour of a thing. */');
    expect(a).toContain('  label?: string;');
    expect(a).toContain("readInt64(reader, 'demo.v1.Outer.Inner.offset')");
  });

  it('imports other files with type-only specifiers for types', () => {
    const b = output.get('demo/v1/b.ts') as string;
    expect(b).toContain("import { type Colour, type Outer, decodeOuter, encodeOuter, readOuter, writeOuter } from './a';");
    expect(b).toContain("get: unaryMethod<UsesA, Outer>('demo.v1.Demo', 'Get', encodeUsesA, decodeUsesA, encodeOuter, decodeOuter),");
  });

  it('is deterministic', () => {
    const again = generateFrom({ 'x/v1/c.proto': 'message C { int32 a = 1; }' });
    expect(generateFrom({ 'x/v1/c.proto': 'message C { int32 a = 1; }' })).toEqual(again);
  });

  it.each([
    ['map fields', 'message M { map<string, string> m = 1; }', /map field demo\.v1\.M\.m is not supported/],
    ['oneofs', 'message M { oneof choice { int32 a = 1; string b = 2; } }', /oneof demo\.v1\.M\.choice is not supported/],
    ['streaming RPCs', 'message M {} service S { rpc Watch(M) returns (stream M); }', /streaming RPC demo\.v1\.S\.Watch is not supported/],
    ['every other scalar type', 'message M { double d = 1; sint64 s = 2; fixed64 f = 3; uint64 u = 4; float x = 5; }', null],
  ])('handles %s', (_what, source, error) => {
    const run = () => generateFrom({ 'demo/v1/m.proto': source });
    if (error === null) expect(run).not.toThrow();
    else expect(run).toThrow(error);
  });
});
