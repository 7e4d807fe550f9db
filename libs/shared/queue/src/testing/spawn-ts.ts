import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * Compiles .ts files on require with SWC, as Jest does, and resolves the workspace's path aliases
 * (tsconfig.base.json), so a test can run a TypeScript file as its own process.
 */
const hook = (swc: string, tsconfig: string) => `
const { transformSync } = require(${JSON.stringify(swc)});
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const Module = require('node:module');
const aliases = JSON.parse(readFileSync(${JSON.stringify(tsconfig)}, 'utf8')).compilerOptions.paths;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = aliases[request];
  return resolve.call(this, alias ? join(dirname(${JSON.stringify(tsconfig)}), alias[0]) : request, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename, swcrc: false, module: { type: 'commonjs' },
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
  });
  module._compile(code, filename);
};
require(process.argv[1]);
`;

export function spawnTs(file: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['-e', hook(require.resolve('@swc/core'), join(__dirname, '../../../../../tsconfig.base.json')), file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Resolves with the first stdout line of `child` matching `pattern`. */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.once('exit', (code, signal) => reject(new Error(`child exited (${code ?? signal}) before printing ${pattern}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = pattern.exec(buffer);
      if (match) resolve(match);
    });
  });
}

export function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}
