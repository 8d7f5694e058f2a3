// The ajv schema over the flat environment, built from CONFIG_VARIABLES, compiled once.
import { accessSync, constants } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { CONFIG_VARIABLES } from './variables.ts';

function isHttpUrl(value: string): boolean {
  try {
    const parsed = new URL(value);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

const HOST_PORT = /^[A-Za-z0-9.-]+:[0-9]{1,5}$|^\[[0-9A-Fa-f:.]+\]:[0-9]{1,5}$/;

function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

export const environmentSchema: Record<string, unknown> = {
  type: 'object',
  properties: Object.fromEntries(
    CONFIG_VARIABLES.map((v) => [v.name, v.default === undefined ? v.schema : { ...v.schema, default: v.default }]),
  ),
  additionalProperties: false,
};

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: true });
ajv.addFormat('http-url', isHttpUrl);
ajv.addFormat('gcp-endpoint', (value: string) => HOST_PORT.test(value) || isHttpUrl(value));
ajv.addFormat('readable-file', isReadableFile);

/** Validates the flat `{ NAME: value }` object, coercing numbers and filling defaults in place. */
export const validateEnvironment: ValidateFunction<Record<string, string | number>> = ajv.compile<Record<string, string | number>>(environmentSchema);
