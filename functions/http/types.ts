import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { LogFields } from './log.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

/**
 * What a route returns before the envelope serialises it: JSON payloads stay objects so that
 * one place adds `dataSyncedAt`, the headers and the log line.
 */
export type Reply =
  | {
      statusCode: number;
      json: Record<string, unknown>;
      cacheControl?: string;
      headers?: Record<string, string>;
      /** Counts for the request's log line (never values from the request). */
      logFields?: LogFields;
    }
  | {
      statusCode: number;
      html: string;
      cacheControl?: string;
      headers?: Record<string, string>;
      logFields?: LogFields;
    }
  | {
      statusCode: 204;
      empty: true;
      cacheControl?: string;
      headers?: Record<string, string>;
      logFields?: LogFields;
    };
