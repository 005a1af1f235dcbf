// Expected failures of the CLV fits, as values: a young workspace often has too little history.
// The HTTP layer maps them to a catalogue code; the numbers travel in the error for the message.

export type ClvFitError =
  | {
      type: 'not-enough-data';
      model: 'bg-nbd' | 'gamma-gamma';
      /** Customers that carry information for this model (any for BG/NBD, repeat buyers for Gamma-Gamma). */
      usableCustomers: number;
      /** The model cannot be identified without at least one repeat buyer. */
      repeatCustomers: number;
    }
  | {
      type: 'fit-did-not-converge';
      model: 'bg-nbd' | 'gamma-gamma';
      iterations: number;
      gradientNorm: number;
    }
  | {
      /** Gamma-Gamma fitted q <= 1: the population's mean spend is infinite, so new buyers cannot be valued. */
      type: 'infinite-mean-spend';
      model: 'gamma-gamma';
      q: number;
    };
