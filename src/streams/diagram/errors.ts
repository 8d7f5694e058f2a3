// Errors of the diagram package. A malformed description names the line it stopped at.
import { CodedError } from '../coded-error.ts';

export const DIAGRAM_ERROR_CODES = [
  'DIAGRAM_PARSE', // the text is not a Kafka Streams TopologyDescription
  'DIAGRAM_REFERENCE', // an arrow names a node that is not in the sub-topology, or the two arrows disagree
  'DIAGRAM_RENDER', // Graphviz refused the DOT text
] as const;

export type DiagramErrorCode = (typeof DIAGRAM_ERROR_CODES)[number];

export class DiagramError extends CodedError<DiagramErrorCode> {
  /** 1-based line of the description, when the error is about one */
  readonly line: number | undefined;

  constructor(code: DiagramErrorCode, message: string, options: { line?: number; cause?: unknown } = {}) {
    super(code, options.line === undefined ? message : `line ${options.line}: ${message}`, { cause: options.cause });
    this.line = options.line;
  }
}
