/** The OTLP transports the load generator speaks (its own file: options and summary both name it). */
export type LoadgenProtocol = 'http/protobuf' | 'http/json' | 'grpc';

export const PROTOCOLS: readonly LoadgenProtocol[] = ['http/protobuf', 'http/json', 'grpc'];
