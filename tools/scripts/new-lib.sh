#!/usr/bin/env bash
# Scaffold a library: new-lib.sh <dir under libs/> <project-name> <npm-name> "<tags comma-separated>"
set -euo pipefail
dir="libs/$1"; name="$2"; pkg="$3"; tags="$4"
mkdir -p "$dir/src"
depth=$(echo "$dir" | awk -F/ '{print NF}')
up=$(printf '../%.0s' $(seq 1 "$depth"))
tagsJson=$(echo "$tags" | awk -F, '{for(i=1;i<=NF;i++){printf "%s\"%s\"", (i>1?", ":""), $i}}')
cat > "$dir/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "${up}node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "projectType": "library",
  "tags": [$tagsJson],
  "targets": {
    "lint": {},
    "test": {},
    "typecheck": {}
  }
}
JSON
cat > "$dir/package.json" <<JSON
{
  "name": "$pkg",
  "version": "0.1.0",
  "private": true,
  "main": "src/index.ts",
  "types": "src/index.ts"
}
JSON
cat > "$dir/jest.config.js" <<JS
const preset = require('${up}jest.preset.js');

module.exports = { ...preset, displayName: '$name', rootDir: __dirname };
JS
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "${up}tsconfig.base.json",
  "include": ["src/**/*.ts"]
}
JSON
[ -f "$dir/src/index.ts" ] || echo "export {};" > "$dir/src/index.ts"
