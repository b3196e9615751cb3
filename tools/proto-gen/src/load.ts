import fs from 'node:fs';
import path from 'node:path';
import * as protobuf from 'protobufjs';

/** Every `.proto` file under `protoRoot`, as sorted paths relative to it (with `/`). */
export function findProtoFiles(protoRoot: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.proto')) found.push(path.relative(protoRoot, full).split(path.sep).join('/'));
    }
  };
  walk(protoRoot);
  return found.sort();
}

/**
 * Parses the files with protobufjs's parser (no protoc needed), resolving
 * imports against `protoRoot`, keeping field names as written and comments
 * (both `//` and `/** *\/`) for TSDoc.
 */
export function loadProtoRoot(protoRoot: string, files: readonly string[]): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(protoRoot, target));
  root.loadSync(files.map((file) => path.join(protoRoot, file)), { keepCase: true, alternateCommentMode: true });
  root.resolveAll();
  return root;
}
