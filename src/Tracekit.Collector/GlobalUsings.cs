// The run contracts (record sink, clock, capture sidecar) are used throughout the collector.
global using Tracekit.Contracts;
