#!/usr/bin/env node
// Fails when a workspace package declares a dependency that nothing in the
// package imports, so dependencies left over from package templates (or from
// code that moved) do not pile up. Run by `./paved test`:
//   node scripts/check-dependencies.mjs
//
// A dependency counts as used when a file of the package names it in an
// import, export ... from, import(), require() or jest.mock(), or when its
// package.json scripts run one of its commands, or, in the app, when it is a
// frontend plugin the app discovers (`app.packages: all` in app-config.yaml
// installs every frontend plugin the app depends on). Scanned: src/, bin/,
// dev/, migrations/, scripts/, bench/, config.d.ts and the package's own top-level .js/.cjs/.mjs/.ts
// files. What is used without being imported is allowed below, each with
// its reason.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspaceFolders = ['packages', 'plugins'];
const scannedFolders = ['src', 'bin', 'dev', 'migrations', 'scripts', 'bench'];
const sourceFile = /\.(tsx?|jsx?|mjs|cjs|mts|cts)$/;

/** Dependencies every package may declare without importing them. */
const usedWithoutImport = new Map([
  [
    '@backstage/cli',
    'builds, lints and tests every package (package.json scripts, .eslintrc.js)',
  ],
  [
    '@testing-library/jest-dom',
    'the matchers the Backstage jest preset loads for frontend tests',
  ],
  [
    'react',
    'the automatic JSX runtime imports react/jsx-runtime for every .tsx file',
  ],
  [
    'react-dom',
    'the peer of react; renderInTestApp and the app render through it',
  ],
  [
    'react-router-dom',
    'the router peer of @backstage/frontend-plugin-api and the test app',
  ],
  [
    '@testing-library/dom',
    'the peer of @testing-library/react and @testing-library/user-event',
  ],
]);

/** Dependencies one package may declare without importing them. */
const usedWithoutImportIn = new Map([
  [
    'backend',
    new Map([
      [
        'app',
        'the backend serves the built frontend (@backstage/plugin-app-backend finds it by name)',
      ],
      ['better-sqlite3', 'the SQLite driver knex loads for the local default'],
      ['pg', 'the PostgreSQL driver knex loads in production'],
      [
        'node-gyp',
        'builds better-sqlite3 in the Docker image (packages/backend/Dockerfile)',
      ],
    ]),
  ],
  [
    'app',
    new Map([
      [
        '@playwright/test',
        'the end-to-end tests in e2e-tests/ drive the app (playwright.config.ts)',
      ],
    ]),
  ],
]);

function filesUnder(folder) {
  if (!existsSync(folder)) return [];
  const files = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('dist')) {
      continue;
    }
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...filesUnder(path));
    else if (sourceFile.test(entry.name) || entry.name.endsWith('.d.ts')) {
      files.push(path);
    }
  }
  return files;
}

/** The package a module specifier names: `@scope/name` or `name`. */
function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) {
    return undefined;
  }
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const specifierPatterns = [
  /\bfrom\s+['"]([^'"]+)['"]/g,
  /\bimport\s+['"]([^'"]+)['"]/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bjest\.(?:mock|requireActual)\(\s*['"]([^'"]+)['"]/g,
];

function importedPackages(files) {
  const names = new Set();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of specifierPatterns) {
      for (const match of text.matchAll(pattern)) {
        const name = packageOf(match[1]);
        if (name) names.add(name);
      }
    }
  }
  return names;
}

/** A dependency's package.json as installed, or undefined. */
function installedManifest(dependency, packageDir) {
  for (const base of [packageDir, root]) {
    const manifest = join(base, 'node_modules', dependency, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8'));
  }
  return undefined;
}

/** Commands a dependency installs (its package.json `bin`). */
function commandsOf(manifest) {
  if (!manifest?.bin) return [];
  return typeof manifest.bin === 'string'
    ? [manifest.name.split('/').pop()]
    : Object.keys(manifest.bin);
}

/** Roles of the packages the app installs by discovery, without an import. */
const discoveredRoles = ['frontend-plugin', 'frontend-plugin-module'];

function unusedDependencies(packageDir) {
  const manifest = JSON.parse(
    readFileSync(join(packageDir, 'package.json'), 'utf8'),
  );
  const topLevelFiles = readdirSync(packageDir)
    .filter(name => sourceFile.test(name) || name === 'config.d.ts')
    .map(name => join(packageDir, name))
    .filter(path => statSync(path).isFile());
  const files = [
    ...topLevelFiles,
    ...scannedFolders.flatMap(folder => filesUnder(join(packageDir, folder))),
  ];
  const imported = importedPackages(files);
  const scripts = Object.values(manifest.scripts ?? {}).join('\n');
  const allowedHere =
    usedWithoutImportIn.get(relative(root, packageDir).split('/').pop()) ??
    new Map();
  const declared = [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.devDependencies ?? {}),
  ];
  return declared.filter(dependency => {
    if (imported.has(dependency)) return false;
    if (usedWithoutImport.has(dependency) || allowedHere.has(dependency)) {
      return false;
    }
    // Types packages count when the package they describe is imported.
    if (dependency.startsWith('@types/')) {
      const described = dependency.slice('@types/'.length);
      const name = described.includes('__')
        ? `@${described.replace('__', '/')}`
        : described;
      return !imported.has(name);
    }
    const installed = installedManifest(dependency, packageDir);
    if (
      manifest.backstage?.role === 'frontend' &&
      discoveredRoles.includes(installed?.backstage?.role)
    ) {
      return false;
    }
    return !commandsOf(installed).some(command =>
      new RegExp(`(^|[\\s;&|])${command}(\\s|$)`, 'm').test(scripts),
    );
  });
}

let failures = 0;
for (const folder of workspaceFolders) {
  for (const name of readdirSync(join(root, folder)).sort()) {
    const packageDir = join(root, folder, name);
    if (!existsSync(join(packageDir, 'package.json'))) continue;
    const unused = unusedDependencies(packageDir);
    if (unused.length > 0) {
      failures += unused.length;
      console.error(
        `${relative(root, packageDir)}/package.json declares ${
          unused.length
        } dependenc${
          unused.length === 1 ? 'y' : 'ies'
        } nothing in it imports: ${unused.join(', ')}`,
      );
    }
  }
}
if (failures > 0) {
  console.error(
    'Remove them, or, if one is used without an import, allow it in scripts/check-dependencies.mjs with the reason.',
  );
  process.exit(1);
}
console.log(
  'Every declared dependency is imported (or allowed with a reason).',
);
