// The run folder model, the record sink and the capture contract the collector shares with the converter.
global using Tracekit.Contracts;
