/**
 * Validates JSON values against the schemas of the OpenAPI document, with ajv (JSON Schema
 * 2020-12, OpenAPI 3.1's dialect) in strict mode. Node only: ajv compiles validators to
 * code, which workerd does not allow. Used by test/node and test/browser.
 */
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

export type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; requestBody?: unknown; responses?: Record<string, unknown> }>>;
  webhooks?: Record<string, unknown>;
  components: { schemas: Record<string, object>; responses?: Record<string, unknown> };
  [key: string]: unknown;
};

export interface SpecValidator {
  /** Error messages (empty when valid) of `value` against an inline schema that may `$ref` components. */
  errors(schema: object, value: unknown): string[];
  /** …against `#/components/schemas/{name}`. */
  errorsFor(name: string, value: unknown): string[];
}

const base = "https://wan-edge.test/openapi.json";

/** `#/components/schemas/X` → `{prefix}#/$defs/X` throughout a schema. */
function rebase(schema: object, prefix: string): object {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${prefix}#/$defs/`)) as object;
}

/**
 * Compiles the document's components once, as the `$defs` of one schema (a place ajv
 * checks as schemas: strict mode rejects unknown keywords there); `#/components/schemas/X`
 * references resolve against it.
 */
export function specValidator(document: OpenApiDocument): SpecValidator {
  // strict: an unknown keyword (a typo, or OpenAPI 3.0's `example` in a schema) is an error.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: base, $defs: rebase(document.components.schemas, "") });
  const cache = new Map<object, ReturnType<typeof ajv.compile>>();
  const errors = (schema: object, value: unknown): string[] => {
    let validate = cache.get(schema);
    if (!validate) {
      validate = ajv.compile(rebase(schema, base));
      cache.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? error.keyword}`);
  };
  return { errors, errorsFor: (name, value) => errors({ $ref: `#/components/schemas/${name}` }, value) };
}
