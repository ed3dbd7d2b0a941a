// Sample circuits (with their exact ideal distributions, so the job's Λ, Γ and W₂ are against the noiseless result),
// a sample genome, and what each metric means.

const ghz = (n) => {
  const lines = ['OPENQASM 2.0;', 'include "qelib1.inc";', `qreg q[${n}];`, `creg c[${n}];`, 'h q[0];'];
  for (let i = 0; i < n - 1; i++) lines.push(`cx q[${i}],q[${i + 1}];`);
  lines.push('measure q -> c;');
  return lines.join('\n');
};
const halfHalf = (n) => ({ ['0'.repeat(n)]: 0.5, ['1'.repeat(n)]: 0.5 });
const uniform = (n) => Object.fromEntries(Array.from({ length: 2 ** n }, (_, i) => [i.toString(2).padStart(n, '0'), 1 / 2 ** n]));

export const SAMPLE_CIRCUITS = [
  { id: 'ghz3', name: 'GHZ state, 3 qubits', qasm: ghz(3), ideal: halfHalf(3) },
  { id: 'bell', name: 'Bell pair Φ⁺ (2 qubits)', qasm: ghz(2), ideal: halfHalf(2) },
  { id: 'ghz5', name: 'GHZ state, 5 qubits', qasm: ghz(5), ideal: halfHalf(5) },
  {
    id: 'uniform3',
    name: 'Uniform superposition, 3 qubits',
    qasm: ['OPENQASM 2.0;', 'include "qelib1.inc";', 'qreg q[3];', 'creg c[3];', 'h q[0];', 'h q[1];', 'h q[2];', 'measure q -> c;'].join('\n'),
    ideal: uniform(3),
  },
  { id: 'custom', name: 'Paste OpenQASM…', qasm: '', ideal: null },
];

export const SAMPLE_GENOME = `ORGANISM Dashboard_Sample {
  DNA {
    name: "dashboard"
  }

  GENOME {
    GENE Coherence {
      TRAITS {
        phase: 0.5
        depth: 3
        label: "keep"
      }
    }

    GENE Resonance {
      TRAITS {
        frequency: 2.5
        damping: 0.1
      }
    }
  }

  QUANTUM {}
}
`;

export const SAMPLE_PARTNER = `ORGANISM Partner {
  GENOME {
    GENE Coherence {
      TRAITS {
        phase: 0.9
        depth: 5
      }
    }

    GENE Entropy {
      TRAITS {
        rate: 0.3
      }
    }
  }
}
`;

/** The four headline metrics (design/metrics.md §5): symbol, key, name, meaning. */
export const METRICS = [
  { key: 'phi', symbol: 'Φ', name: 'phi', meaning: 'Integrated correlation: the total correlation of the measured bits divided by (n − 1). 0 means independent bits; 1 means GHZ-like, fully shared information.' },
  { key: 'lambda', symbol: 'Λ', name: 'lambda', meaning: 'Fidelity: the classical (Hellinger) fidelity between the measured and the ideal distribution, (Σ √(p·q))². 1 means identical.' },
  { key: 'gamma', symbol: 'Γ', name: 'gamma', meaning: 'Infidelity (decoherence): 1 − Λ. 0 means the measurement matches the ideal.' },
  { key: 'w2', symbol: 'W₂', name: 'w2', meaning: 'Transport distance: the exact 2-Wasserstein distance between the measured and the ideal distribution, measured in bit flips (Hamming distance). 0 means no probability mass has to move.' },
];
