import { applyDecorators } from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  type ApiOperationOptions,
  type ApiResponseOptions,
} from '@nestjs/swagger';
import { ApiListQueries, type listQueryNames } from './api-list-queries';
import { listSchema, patchOpSchema, searchRequestSchema, withExample } from './openapi-schemas';
import { prefer } from './scim-http';

type Schema = Record<string, unknown>;
/** The error statuses every resource documents (the routes other than create and replace answer only these). */
type Shared = 400 | 401 | 404 | 409 | 412;
type ErrorResponses = Record<Shared, ApiResponseOptions> & Record<number, ApiResponseOptions>;

/** What the OpenAPI document says of one SCIM resource type (Users, Groups): schemas, examples, errors. */
export interface ScimResourceDocs<E extends ErrorResponses> {
  /** The resource in the words of the descriptions ("user", "group"). */
  noun: string;
  schema: Schema;
  inputSchema: Schema;
  inputExample: unknown;
  responseExample: unknown;
  listExample: unknown;
  searchExample: unknown;
  patchExample: unknown;
  /** The resource's error responses by status (with its own examples). */
  errors: E;
  /** Examples of the list query parameters of GET /<Resources>. */
  queryExamples: Record<(typeof listQueryNames)[number], string>;
}

const ifMatch = { name: 'If-Match', required: false, description: 'Apply only to this version (`meta.version`); 412 otherwise' };

/** Decorators applied bottom-up, as if stacked in the order given (so parameters keep their written order). */
const stacked = (...decorators: MethodDecorator[]) => applyDecorators(...decorators.reverse());

/**
 * The OpenAPI decorators of the routes Users and Groups share: each takes the route's operation
 * (summary, description); create and replace also the error statuses, which differ by resource.
 */
export function scimRouteDocs<E extends ErrorResponses>(r: ScimResourceDocs<E>) {
  const errors = (statuses: Array<Shared | (keyof E & number)>) => statuses.map((s) => ApiResponse(r.errors[s]));
  const resource = withExample(r.schema, r.responseExample);
  const list = withExample(listSchema(r.schema), r.listExample);
  return {
    create: (op: ApiOperationOptions, statuses: Array<Shared | (keyof E & number)>) =>
      stacked(
        ApiOperation(op),
        ApiBody({ schema: withExample(r.inputSchema, r.inputExample) }),
        ApiResponse({ status: 201, description: 'Created; Location and ETag headers', schema: resource }),
        ...errors(statuses),
      ),
    list: (op: ApiOperationOptions) =>
      stacked(ApiOperation(op), ApiListQueries(r.queryExamples), ApiOkResponse({ schema: list }), ...errors([400, 401])),
    search: (op: ApiOperationOptions) =>
      stacked(
        ApiOperation(op),
        ApiBody({ schema: withExample(searchRequestSchema, r.searchExample) }),
        ApiOkResponse({ schema: list }),
        ...errors([400, 401]),
      ),
    get: (op: ApiOperationOptions, projection: { attributes: string; excludedAttributes: string }) =>
      stacked(
        ApiOperation(op),
        ApiHeader({ name: 'If-None-Match', required: false }),
        ApiQuery({ name: 'attributes', required: false, example: projection.attributes }),
        ApiQuery({ name: 'excludedAttributes', required: false, example: projection.excludedAttributes }),
        ApiOkResponse({ schema: resource }),
        ApiResponse({ status: 304, description: 'Not modified (If-None-Match)' }),
        ...errors([401, 404]),
      ),
    replace: (op: ApiOperationOptions, statuses: Array<Shared | (keyof E & number)>) =>
      stacked(
        ApiOperation(op),
        ApiHeader(ifMatch),
        ApiBody({ schema: withExample(r.inputSchema, r.inputExample) }),
        ApiOkResponse({ schema: resource }),
        ...errors(statuses),
      ),
    patch: (op: ApiOperationOptions) =>
      stacked(
        ApiOperation(op),
        ApiHeader(ifMatch),
        ApiHeader(prefer),
        ApiBody({ schema: withExample(patchOpSchema, r.patchExample) }),
        ApiOkResponse({ description: `Applied: the ${r.noun} (ETag header carries the new version)`, schema: resource }),
        ApiNoContentResponse({
          description: 'Applied, with Prefer: return=minimal or scim.patchResponse=minimal (ETag header carries the new version)',
        }),
        ...errors([400, 404, 409, 412]),
      ),
    delete: (op: ApiOperationOptions) =>
      stacked(
        ApiOperation(op),
        ApiHeader(ifMatch),
        ApiNoContentResponse({ description: 'Deleted, or nothing to delete' }),
        ...errors([401, 412]),
      ),
  };
}
