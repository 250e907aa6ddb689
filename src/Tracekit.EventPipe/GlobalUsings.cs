// The capture contract (sidecar, clock pairs, provider names) shared with the converter.
global using Tracekit.Contracts;
