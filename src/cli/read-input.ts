import { readFile } from 'node:fs/promises';
import { CallgateError } from '../errors.js';

/** Reads a file the user named, as text; `-` reads standard input. */
export async function readInputFile(path: string): Promise<string> {
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CallgateError(
      'invalid_request',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

/** Parses a JSON file the user named, naming the file when it is not JSON. */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = await readInputFile(path);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CallgateError('invalid_request', `${path} is not JSON: ${(error as Error).message}`);
  }
}
