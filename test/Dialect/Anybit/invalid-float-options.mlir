// RUN: anybit-opt %s -split-input-file -verify-diagnostics

// Repeated or conflicting options of !anybit.float are errors, as they are
// for anybit::FloatFormat::parse, which reads the same syntax: the type
// parser must not silently let the last one win.

// expected-error @+1 {{repeated or conflicting option 'ieee'}}
func.func private @f(!anybit.float<e4m3, fn, ieee>)

// -----

// expected-error @+1 {{repeated or conflicting option 'fn'}}
func.func private @f(!anybit.float<e5m2, ieee, fn>)

// -----

// expected-error @+1 {{repeated or conflicting option 'fn'}}
func.func private @f(!anybit.float<e4m3, fn, fn>)

// -----

// expected-error @+1 {{repeated or conflicting option 'unsigned'}}
func.func private @f(!anybit.float<e3m2, unsigned, unsigned>)

// -----

// expected-error @+1 {{repeated or conflicting option 'nozero'}}
func.func private @f(!anybit.float<e4m0, nozero, nozero>)

// -----

// expected-error @+1 {{repeated or conflicting option 'bias}}
func.func private @f(!anybit.float<e3m2, bias = 1, bias = 2>)
