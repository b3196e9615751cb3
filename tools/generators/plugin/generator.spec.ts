import * as pluginsApi from '@tributary/plugins-api';
import { createTreeWithEmptyWorkspace } from 'nx/src/devkit-testing-exports';
import type { Tree } from 'nx/src/generators/tree';
import ts from 'typescript';
import path from 'node:path';
import { readFileSync } from 'node:fs';

// The generator is plain CommonJS so Nx can load it without a TypeScript transpiler.
const generator = require('./generator.cjs') as {
  (tree: Tree, options: Record<string, unknown>): Promise<() => void>;
  PLUGIN_API_VERSION: string;
  KINDS: readonly string[];
};

const workspaceRoot = path.resolve(__dirname, '../../..');

/** Compiles a generated src/index.ts and evaluates it, with '@tributary/plugins-api' bound to the real package. */
function evaluatePlugin(source: string): pluginsApi.AnyPluginDefinition {
  const { outputText, diagnostics } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    reportDiagnostics: true,
  });
  expect(diagnostics ?? []).toEqual([]);
  const module = { exports: {} as Record<string, unknown> };
  const requireStub = (id: string): unknown => {
    if (id === '@tributary/plugins-api') return pluginsApi;
    throw new Error(`generated plugin requires '${id}'; plugins may only import @tributary/plugins-api`);
  };
  new Function('require', 'module', 'exports', outputText)(requireStub, module, module.exports);
  return module.exports['default'] as pluginsApi.AnyPluginDefinition;
}

/** Type-checks generated projects' sources against the real workspace api (paths from tsconfig.base.json), in one program. */
function typeErrors(tree: Tree, dirs: readonly string[]): string[] {
  const contents = new Map<string, string>();
  for (const dir of dirs) {
    for (const file of ['src/index.ts', 'src/index.spec.ts']) {
      contents.set(path.join(workspaceRoot, '__generated__', dir, file), tree.read(`${dir}/${file}`, 'utf-8') as string);
    }
  }
  const virtualDirs = new Set([...contents.keys()].flatMap((f) => ancestors(path.dirname(f))));
  const base = ts.parseJsonConfigFileContent(JSON.parse(readFileSync(path.join(workspaceRoot, 'tsconfig.base.json'), 'utf8')), ts.sys, workspaceRoot);
  const options = { ...base.options, noEmit: true };
  const host = ts.createCompilerHost(options);
  const { readFile, fileExists, directoryExists } = host;
  host.readFile = (f) => contents.get(path.resolve(f)) ?? readFile.call(host, f);
  host.fileExists = (f) => contents.has(path.resolve(f)) || fileExists.call(host, f);
  host.directoryExists = (d) => virtualDirs.has(path.resolve(d)) || (directoryExists?.call(host, d) ?? true);
  const program = ts.createProgram([...contents.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) out.push(d);
  return out;
}

describe('plugin generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('targets the current plugin API version', () => {
    expect(generator.PLUGIN_API_VERSION).toBe(pluginsApi.PLUGIN_API_VERSION);
    expect(generator.KINDS).toEqual(pluginsApi.PLUGIN_KINDS);
  });

  it('scaffolds a package with the manifest, an Nx project, a conformance test and a README', async () => {
    await generator(tree, { name: 'my-partitioner', kind: 'partitioner' });
    const dir = 'plugins/my-partitioner';
    expect(tree.children(dir).sort()).toEqual(['README.md', 'jest.config.js', 'package.json', 'project.json', 'src', 'tsconfig.json']);
    expect(tree.children(`${dir}/src`).sort()).toEqual(['index.spec.ts', 'index.ts']);
    const pkg = JSON.parse(tree.read(`${dir}/package.json`, 'utf-8') as string);
    expect(pkg).toMatchObject({ name: 'tributary-plugin-my-partitioner', main: 'dist/index.js', tributary: { apiVersion: '1.0.0', plugins: ['./dist/index.js'] } });
    const project = JSON.parse(tree.read(`${dir}/project.json`, 'utf-8') as string);
    expect(project).toMatchObject({ name: 'my-partitioner', sourceRoot: `${dir}/src`, targets: { test: {}, lint: {}, typecheck: {} } });
    expect(project.targets.build.options.command).toMatch(/^esbuild \{projectRoot\}\/src\/index\.ts --bundle/);
    expect(tree.read(`${dir}/jest.config.js`, 'utf-8')).toContain("require('../../jest.preset.js')");
    expect(JSON.parse(tree.read(`${dir}/tsconfig.json`, 'utf-8') as string)).toEqual({ extends: '../../tsconfig.base.json', include: ['src/**/*.ts'] });
    expect(tree.read(`${dir}/src/index.ts`, 'utf-8')).toContain("import { definePlugin } from '@tributary/plugins-api';");
    expect(tree.read(`${dir}/src/index.spec.ts`, 'utf-8')).toContain('await checkPlugin(plugin, { seed, keyAffinity: true })');
    expect(tree.read(`${dir}/README.md`, 'utf-8')).toContain('"tributary": { "apiVersion": "1.0.0", "plugins": ["./dist/index.js"] }');
  });

  it('honours --directory and --packageName, with paths back to the workspace root', async () => {
    await generator(tree, { name: 'audit', kind: 'producer-interceptor', directory: './libs/plugins/contrib/audit/', packageName: '@acme/tributary-audit' });
    const dir = 'libs/plugins/contrib/audit';
    expect(JSON.parse(tree.read(`${dir}/package.json`, 'utf-8') as string).name).toBe('@acme/tributary-audit');
    expect(tree.read(`${dir}/jest.config.js`, 'utf-8')).toContain("require('../../../../jest.preset.js')");
  });

  it('rejects bad names, kinds, directories and existing packages', async () => {
    await expect(generator(tree, { name: 'MyPlugin', kind: 'partitioner' })).rejects.toThrow("Plugin name 'MyPlugin' must be kebab-case");
    await expect(generator(tree, { name: 'x', kind: 'serializer' })).rejects.toThrow('--kind must be one of partitioner');
    await expect(generator(tree, { name: 'x', kind: 'assignor', directory: '../outside' })).rejects.toThrow('--directory must be a path inside the workspace');
    await generator(tree, { name: 'twice', kind: 'assignor' });
    await expect(generator(tree, { name: 'twice', kind: 'assignor' })).rejects.toThrow('plugins/twice already contains a package or project');
  });

  it('generates sources (plugin and spec) that type-check against the real api, for every kind', async () => {
    for (const kind of pluginsApi.PLUGIN_KINDS) await generator(tree, { name: `gen-${kind}`, kind });
    expect(typeErrors(tree, pluginsApi.PLUGIN_KINDS.map((kind) => `plugins/gen-${kind}`))).toEqual([]);
  });

  describe.each(pluginsApi.PLUGIN_KINDS)('the generated %s', (kind) => {
    it('passes the conformance kit', async () => {
      await generator(tree, { name: `gen-${kind}`, kind });
      const dir = `plugins/gen-${kind}`;
      const plugin = evaluatePlugin(tree.read(`${dir}/src/index.ts`, 'utf-8') as string);
      expect(plugin).toMatchObject({ kind, name: `gen-${kind}`, apiVersion: pluginsApi.PLUGIN_API_VERSION });
      expect(await pluginsApi.checkPlugin(plugin, { seed: 9, keyAffinity: kind === 'partitioner' })).toEqual([]);
    });
  });
});
