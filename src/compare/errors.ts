// Input that a regression comparison refuses: tables from different devices or runtimes, or an
// entry that claims to be measured but holds no samples. Exit code 3 (bad input) like a usage error.
import { BenchError, ExitCode } from '../errors.js';

export class RegressionInputError extends BenchError {
  constructor(message: string, options?: { hint?: string }) {
    super('NSB_REGRESSION_INPUT', ExitCode.usage, message, options);
  }
}
