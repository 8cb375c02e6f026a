// Declarations only; the driver comes from -sanitize=fuzzer.
