/**
 * The official OCDS 1.1.5 schemas (copied into schema/ with their Apache 2.0 licence), compiled
 * with ajv for JSON Schema draft-04: the tests validate every package the platform serves.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const VERSIONED =
  'https://standard.open-contracting.org/schema/1__1__5/versioned-release-validation-schema.json';
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schema');
const load = (name: string) => JSON.parse(readFileSync(path.join(dir, name), 'utf8'));

export function ocdsValidators() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // The package schemas refer to the release schema by its absolute URL: it goes in first.
  ajv.addSchema(load('release-schema.json'));
  // The record schema also names the versioned-release schema, for `versionedRelease`, which is not
  // among the official files copied here; the platform publishes no versioned release, so a record
  // holding one is refused.
  ajv.addSchema({ id: VERSIONED, not: {} });
  return {
    releasePackage: ajv.compile(load('release-package-schema.json')),
    recordPackage: ajv.compile(load('record-package-schema.json')),
    errors: (validate: ValidateFunction) => ajv.errorsText(validate.errors, { separator: '\n' }),
  };
}
