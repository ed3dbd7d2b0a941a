using System.Collections.Immutable;
using System.Globalization;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Circuits;

namespace QuantumLM.Quantum.OpenQasm;

/// <summary>
/// Parses OpenQASM 2 (as Qiskit's loader accepts it, with <c>qelib1.inc</c> built in) and the OpenQASM 3 subset that
/// Qiskit's exporter and IBM ISA circuits use, into a resolved <see cref="Circuit"/>.
/// </summary>
/// <remarks>
/// Errors are <see cref="QuantumLmException"/> with code <see cref="QuantumLmErrorCodes.InvalidCircuit"/> and a message
/// <c>&lt;line&gt;:&lt;column&gt; &lt;what was expected&gt;</c>. Oversized or hostile input is refused by the limits of
/// <see cref="OpenQasmParserOptions"/>.
/// </remarks>
public static class OpenQasmParser
{
    /// <summary>Parses a program with the default limits.</summary>
    /// <param name="source">The OpenQASM text.</param>
    /// <returns>The resolved circuit.</returns>
    /// <exception cref="QuantumLmException">The program is malformed, unsupported or exceeds a limit (code <c>qasm</c>).</exception>
    public static Circuit Parse(string source) => Parse(source, out _, OpenQasmParserOptions.Default);

    /// <summary>Parses a program.</summary>
    /// <param name="source">The OpenQASM text.</param>
    /// <param name="options">Limits.</param>
    /// <returns>The resolved circuit.</returns>
    /// <exception cref="QuantumLmException">The program is malformed, unsupported or exceeds a limit (code <c>qasm</c>).</exception>
    public static Circuit Parse(string source, OpenQasmParserOptions options) => Parse(source, out _, options);

    /// <summary>Parses a program and reports its language version.</summary>
    /// <param name="source">The OpenQASM text.</param>
    /// <param name="language">The version from the <c>OPENQASM</c> header (OpenQASM 2 when the header is missing).</param>
    /// <param name="options">Limits (for example <see cref="OpenQasmParserOptions.Default"/>).</param>
    /// <returns>The resolved circuit.</returns>
    /// <exception cref="QuantumLmException">The program is malformed, unsupported or exceeds a limit (code <c>qasm</c>).</exception>
    public static Circuit Parse(string source, out CircuitLanguage language, OpenQasmParserOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        if (source.Length > options.MaxSourceLength)
        {
            throw QasmErrors.At(1, 1, $"source of {source.Length} characters exceeds the limit of {options.MaxSourceLength}");
        }

        var parser = new Parser(QasmLexer.Tokenize(source), options);
        Circuit circuit = parser.ParseProgram();
        language = parser.Version == 3 ? CircuitLanguage.OpenQasm3 : CircuitLanguage.OpenQasm2;
        return circuit;
    }

    private sealed class UserGate(string name, string[] parameters, string[] qubits, List<BodyStatement> body, Token at)
    {
        public string Name { get; } = name;

        public string[] Parameters { get; } = parameters;

        public string[] Qubits { get; } = qubits;

        public List<BodyStatement> Body { get; } = body;

        public Token At { get; } = at;
    }

    private sealed record BodyStatement(Token At, string Name, QasmExpression[] Arguments, int[] Qubits, bool IsGlobalPhase);

    private readonly struct QubitArg(Token at, int[] qubits, bool isRegister)
    {
        public Token At { get; } = at;

        public int[] Indices { get; } = qubits;

        public bool IsRegister { get; } = isRegister;
    }

    private sealed class Parser(List<Token> tokens, OpenQasmParserOptions options)
    {
        private static readonly HashSet<string> s_unsupported = new(StringComparer.Ordinal)
        {
            "for", "while", "def", "defcal", "cal", "defcalgrammar", "input", "output", "const", "int", "uint", "float",
            "angle", "bool", "complex", "duration", "stretch", "let", "box", "switch", "return", "break", "continue",
            "extern", "array", "case", "default",
        };

        private static readonly HashSet<string> s_functions = new(StringComparer.Ordinal)
        {
            "sin", "cos", "tan", "exp", "ln", "log", "sqrt", "asin", "acos", "atan", "arcsin", "arccos", "arctan",
        };

        private static readonly HashSet<string> s_modifiers = new(StringComparer.Ordinal) { "ctrl", "negctrl", "inv", "pow" };

        private readonly List<QubitRegister> _qregList = [];
        private readonly List<ClbitRegister> _cregList = [];
        private readonly Dictionary<string, QubitRegister> _qregs = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ClbitRegister> _cregs = new(StringComparer.Ordinal);
        private readonly Dictionary<string, UserGate> _gates = new(StringComparer.Ordinal);
        private readonly List<CircuitOperation> _ops = [];
        private int _pos;
        private int _qubits;
        private int _clbits;
        private int _opCount;
        private int _depth;
        private bool _includesLibrary;
        private double _globalPhase;
        private int _maxPhysical = -1;

        public int Version { get; private set; } = 2;

        private Token Current => tokens[_pos];

        public Circuit ParseProgram()
        {
            if (Current.Is("OPENQASM"))
            {
                ParseHeader();
            }

            while (Current.Kind != TokenKind.End)
            {
                ParseStatement(_ops, topLevel: true);
            }

            IEnumerable<QubitRegister> qregs = _maxPhysical >= 0 ? [new QubitRegister("$", _maxPhysical + 1, 0)] : _qregList;
            return new Circuit(qregs, _cregList, _ops, _globalPhase, _maxPhysical >= 0);
        }

        private Token Next()
        {
            Token t = tokens[_pos];
            if (t.Kind != TokenKind.End)
            {
                _pos++;
            }

            return t;
        }

        private Token Expect(string symbol, string context)
        {
            Token t = Current;
            if (!t.Is(symbol))
            {
                throw QasmErrors.At(t, $"expected '{symbol}' {context}, found {t.Describe()}");
            }

            return Next();
        }

        private bool Accept(string symbol)
        {
            if (Current.Is(symbol))
            {
                _pos++;
                return true;
            }

            return false;
        }

        private Token ExpectIdentifier(string what)
        {
            Token t = Current;
            if (t.Kind != TokenKind.Identifier)
            {
                throw QasmErrors.At(t, $"expected {what}, found {t.Describe()}");
            }

            return Next();
        }

        private int ExpectSize(string what)
        {
            Token t = Current;
            if (t.Kind != TokenKind.Integer)
            {
                throw QasmErrors.At(t, $"expected {what} (a non-negative integer), found {t.Describe()}");
            }

            Next();
            if (t.Number > options.MaxRegisterSize)
            {
                throw QasmErrors.At(t, $"{what} {t.Text} exceeds the limit of {options.MaxRegisterSize}");
            }

            return (int)t.Number;
        }

        private void Enter(in Token at)
        {
            if (++_depth > options.MaxNestingDepth)
            {
                throw QasmErrors.At(at, $"nesting deeper than the limit of {options.MaxNestingDepth}");
            }
        }

        private void ParseHeader()
        {
            Next();
            Token v = Current;
            if (v.Kind is not (TokenKind.Integer or TokenKind.Real))
            {
                throw QasmErrors.At(v, $"expected a version number after OPENQASM, found {v.Describe()}");
            }

            Next();
            Version = v.Number switch
            {
                >= 2 and < 3 => 2,
                >= 3 and < 4 => 3,
                _ => throw QasmErrors.At(v, $"unsupported OpenQASM version '{v.Text}' (expected 2.0 or 3)"),
            };
            Expect(";", "after the OPENQASM version");
        }

        private void ParseStatement(List<CircuitOperation> sink, bool topLevel)
        {
            Token t = Current;
            if (t.Is(";"))
            {
                Next();
                return;
            }

            if (t.Kind == TokenKind.Physical)
            {
                throw QasmErrors.At(t, $"expected a statement, found {t.Describe()}");
            }

            if (t.Kind != TokenKind.Identifier)
            {
                throw QasmErrors.At(t, $"expected a statement, found {t.Describe()}");
            }

            switch (t.Text)
            {
                case "OPENQASM":
                    throw QasmErrors.At(t, "the OPENQASM header must be the first statement");
                case "include":
                    RequireTopLevel(t, topLevel);
                    ParseInclude();
                    return;
                case "qreg":
                case "creg":
                    RequireTopLevel(t, topLevel);
                    ParseOldDeclaration(t.Text == "qreg");
                    return;
                case "qubit":
                case "bit":
                    RequireTopLevel(t, topLevel);
                    ParseNewDeclaration(t.Text == "qubit");
                    return;
                case "gate":
                    RequireTopLevel(t, topLevel);
                    ParseGateDefinition();
                    return;
                case "opaque":
                    Next();
                    Token name = Current;
                    throw QasmErrors.At(t, $"opaque gate {(name.Kind == TokenKind.Identifier ? $"'{name.Text}' " : string.Empty)}has no definition and cannot be simulated; define it with 'gate'");
                case "measure":
                    ParseMeasureArrow(sink);
                    return;
                case "reset":
                    Next();
                    foreach (QubitArg a in ParseQubitArgs(";"))
                    {
                        foreach (int q in a.Indices)
                        {
                            Emit(sink, new ResetOperation(q), t);
                        }
                    }

                    Expect(";", "after reset");
                    return;
                case "barrier":
                    Next();
                    var bq = ParseQubitArgs(";").SelectMany(static a => a.Indices).ToList();
                    Expect(";", "after barrier");
                    Emit(sink, new BarrierOperation(bq.Count == 0 && _maxPhysical < 0 ? [.. Enumerable.Range(0, _qubits)] : [.. bq]), t);
                    return;
                case "delay":
                    ParseDelay(sink);
                    return;
                case "if":
                    ParseIf(sink);
                    return;
                case "else":
                    throw QasmErrors.At(t, "'else' without a preceding 'if'");
                case "gphase":
                    Next();
                    Expect("(", "after gphase");
                    _globalPhase += ParseExpression(null).Evaluate([]);
                    Expect(")", "after the gphase angle");
                    ParseQubitArgs(";");
                    Expect(";", "after gphase");
                    return;
                case "pragma":
                    while (Current.Kind != TokenKind.End && Current.Line == t.Line)
                    {
                        Next();
                    }

                    return;
                default:
                    break;
            }

            if (s_unsupported.Contains(t.Text))
            {
                throw QasmErrors.At(t, $"'{t.Text}' statements are not supported (supported: declarations, gate definitions, gates, measure, reset, barrier, delay, if)");
            }

            if (s_modifiers.Contains(t.Text) && (tokens[_pos + 1].Is("@") || tokens[_pos + 1].Is("(")))
            {
                throw QasmErrors.At(t, $"gate modifier '{t.Text} @' is not supported");
            }

            if (_cregs.ContainsKey(t.Text) && (tokens[_pos + 1].Is("=") || tokens[_pos + 1].Is("[")))
            {
                ParseMeasureAssignment(sink);
                return;
            }

            ParseGateCall(sink);
        }

        private static void RequireTopLevel(in Token t, bool topLevel)
        {
            if (!topLevel)
            {
                throw QasmErrors.At(t, $"'{t.Text}' is only allowed at the top level, not inside 'if'");
            }
        }

        private void ParseInclude()
        {
            Next();
            Token file = Current;
            if (file.Kind != TokenKind.String)
            {
                throw QasmErrors.At(file, $"expected a file name string after include, found {file.Describe()}");
            }

            Next();
            if (file.Text is not ("qelib1.inc" or "stdgates.inc"))
            {
                throw QasmErrors.At(file, $"cannot include \"{file.Text}\": only the built-in qelib1.inc and stdgates.inc are available");
            }

            _includesLibrary = true;
            Expect(";", "after include");
        }

        private void ParseOldDeclaration(bool quantum)
        {
            Next();
            Token name = ExpectIdentifier(quantum ? "a qreg name" : "a creg name");
            Expect("[", "after the register name");
            int size = ExpectSize("register size");
            Expect("]", "after the register size");
            Expect(";", "after the register declaration");
            Declare(name, size, quantum);
        }

        private void ParseNewDeclaration(bool quantum)
        {
            Token kw = Next();
            int size = 1;
            if (Accept("["))
            {
                size = ExpectSize("register size");
                Expect("]", "after the register size");
            }

            Token name = ExpectIdentifier(quantum ? "a qubit register name" : "a bit register name");
            if (Current.Is("="))
            {
                if (quantum)
                {
                    throw QasmErrors.At(Current, "qubits cannot be initialised; expected ';'");
                }

                Declare(name, size, quantum);
                Next();
                Token m = Current;
                if (!m.Is("measure"))
                {
                    throw QasmErrors.At(m, $"expected 'measure' to initialise bit register '{name.Text}', found {m.Describe()}");
                }

                Next();
                var target = _cregs[name.Text];
                EmitMeasure(_ops, m, ParseQubitArg(), new ClbitArg(name, [.. Enumerable.Range(target.Offset, target.Size)], true));
                Expect(";", "after measure");
                return;
            }

            Expect(";", $"after the {kw.Text} declaration");
            Declare(name, size, quantum);
        }

        private void Declare(in Token name, int size, bool quantum)
        {
            if (_qregs.ContainsKey(name.Text) || _cregs.ContainsKey(name.Text) || _gates.ContainsKey(name.Text))
            {
                throw QasmErrors.At(name, $"'{name.Text}' is already declared");
            }

            if (size == 0)
            {
                throw QasmErrors.At(name, $"register '{name.Text}' has size 0; expected a size of at least 1");
            }

            if (quantum)
            {
                if (_maxPhysical >= 0)
                {
                    throw QasmErrors.At(name, "cannot declare qubit registers in a program that uses physical qubits ($k)");
                }

                if ((long)_qubits + size > options.MaxRegisterSize)
                {
                    throw QasmErrors.At(name, $"{(long)_qubits + size} qubits in total exceed the limit of {options.MaxRegisterSize}");
                }

                var r = new QubitRegister(name.Text, size, _qubits);
                _qubits += size;
                _qregs.Add(name.Text, r);
                _qregList.Add(r);
            }
            else
            {
                if ((long)_clbits + size > options.MaxRegisterSize)
                {
                    throw QasmErrors.At(name, $"{(long)_clbits + size} classical bits in total exceed the limit of {options.MaxRegisterSize}");
                }

                var r = new ClbitRegister(name.Text, size, _clbits);
                _clbits += size;
                _cregs.Add(name.Text, r);
                _cregList.Add(r);
            }
        }

        private void ParseGateDefinition()
        {
            Token kw = Next();
            Token name = ExpectIdentifier("a gate name");
            if (_gates.TryGetValue(name.Text, out UserGate? existing))
            {
                throw QasmErrors.At(name, $"gate '{name.Text}' is already defined at {existing.At.Line}:{existing.At.Column}");
            }

            if (_qregs.ContainsKey(name.Text) || _cregs.ContainsKey(name.Text))
            {
                throw QasmErrors.At(name, $"'{name.Text}' is already declared as a register");
            }

            var parameters = new List<string>();
            if (Accept("("))
            {
                while (!Current.Is(")"))
                {
                    Token p = ExpectIdentifier("a parameter name");
                    if (parameters.Contains(p.Text))
                    {
                        throw QasmErrors.At(p, $"parameter '{p.Text}' is declared twice");
                    }

                    parameters.Add(p.Text);
                    if (!Accept(","))
                    {
                        break;
                    }
                }

                Expect(")", "after the gate parameters");
            }

            var qubits = new List<string>();
            while (Current.Kind == TokenKind.Identifier)
            {
                Token q = Next();
                if (qubits.Contains(q.Text) || parameters.Contains(q.Text))
                {
                    throw QasmErrors.At(q, $"'{q.Text}' is declared twice in gate '{name.Text}'");
                }

                qubits.Add(q.Text);
                if (!Accept(","))
                {
                    break;
                }
            }

            if (qubits.Count == 0)
            {
                throw QasmErrors.At(Current, $"expected the qubit arguments of gate '{name.Text}', found {Current.Describe()}");
            }

            Expect("{", "to open the gate body");
            var body = new List<BodyStatement>();
            string[] pnames = [.. parameters];
            while (!Current.Is("}"))
            {
                Token t = Current;
                if (t.Kind == TokenKind.End)
                {
                    throw QasmErrors.At(t, $"expected '}}' to close gate '{name.Text}' opened at {kw.Line}:{kw.Column}, found end of input");
                }

                if (t.Is(";"))
                {
                    Next();
                    continue;
                }

                if (t.Is("barrier"))
                {
                    Next();
                    while (!Current.Is(";") && Current.Kind != TokenKind.End)
                    {
                        Token b = ExpectIdentifier("a gate qubit argument");
                        if (!qubits.Contains(b.Text))
                        {
                            throw QasmErrors.At(b, $"'{b.Text}' is not a qubit argument of gate '{name.Text}'");
                        }

                        if (!Accept(","))
                        {
                            break;
                        }
                    }

                    Expect(";", "after barrier");
                    continue;
                }

                if (t.Is("gphase"))
                {
                    Next();
                    Expect("(", "after gphase");
                    QasmExpression angle = ParseExpression(pnames);
                    Expect(")", "after the gphase angle");
                    Expect(";", "after gphase");
                    body.Add(new BodyStatement(t, "gphase", [angle], [], true));
                    continue;
                }

                Token callee = ExpectIdentifier("a gate call in the gate body");
                if (callee.Text is "measure" or "reset" or "if" or "gate" or "qreg" or "creg" or "qubit" or "bit" or "opaque")
                {
                    throw QasmErrors.At(callee, $"'{callee.Text}' is not allowed inside a gate body");
                }

                if (s_modifiers.Contains(callee.Text) && (Current.Is("@") || Current.Is("(")))
                {
                    throw QasmErrors.At(callee, $"gate modifier '{callee.Text} @' is not supported");
                }

                var (arity, pcount) = ResolveGateShape(callee);
                var args = new List<QasmExpression>();
                if (Accept("("))
                {
                    Enter(callee);
                    while (!Current.Is(")"))
                    {
                        args.Add(ParseExpression(pnames));
                        if (!Accept(","))
                        {
                            break;
                        }
                    }

                    _depth--;
                    Expect(")", "after the gate arguments");
                }

                if (args.Count != pcount)
                {
                    throw QasmErrors.At(callee, $"gate '{callee.Text}' takes {pcount} parameter{(pcount == 1 ? string.Empty : "s")}, got {args.Count}");
                }

                var targets = new List<int>();
                while (Current.Kind == TokenKind.Identifier)
                {
                    Token q = Next();
                    int idx = qubits.IndexOf(q.Text);
                    if (idx < 0)
                    {
                        throw QasmErrors.At(q, $"'{q.Text}' is not a qubit argument of gate '{name.Text}'");
                    }

                    if (Current.Is("["))
                    {
                        throw QasmErrors.At(Current, "indexing is not allowed on gate arguments; expected ',' or ';'");
                    }

                    if (targets.Contains(idx))
                    {
                        throw QasmErrors.At(q, $"qubit '{q.Text}' is used twice in '{callee.Text}'");
                    }

                    targets.Add(idx);
                    if (!Accept(","))
                    {
                        break;
                    }
                }

                if (targets.Count != arity)
                {
                    throw QasmErrors.At(callee, $"gate '{callee.Text}' acts on {arity} qubit{(arity == 1 ? string.Empty : "s")}, got {targets.Count}");
                }

                Expect(";", $"after '{callee.Text}'");
                body.Add(new BodyStatement(callee, callee.Text, [.. args], [.. targets], false));
            }

            Next();
            _gates.Add(name.Text, new UserGate(name.Text, pnames, [.. qubits], body, name));
        }

        /// <summary>Finds a callable gate: a user definition first, then the built-in library.</summary>
        private (int Arity, int Parameters) ResolveGateShape(in Token callee)
        {
            if (_gates.TryGetValue(callee.Text, out UserGate? user))
            {
                return (user.Qubits.Length, user.Parameters.Length);
            }

            if (StandardGates.TryGet(callee.Text, out GateDefinition? def) && (_includesLibrary || callee.Text is "U" or "CX"))
            {
                return (def.QubitCount, def.ParameterCount);
            }

            string hint = StandardGates.TryGet(callee.Text, out _) ? " (did you forget include \"qelib1.inc\" or \"stdgates.inc\"?)" : string.Empty;
            throw QasmErrors.At(callee, $"gate '{callee.Text}' is not defined{hint}");
        }

        private void ParseGateCall(List<CircuitOperation> sink)
        {
            Token callee = Next();
            var (arity, pcount) = ResolveGateShape(callee);
            var args = new List<double>();
            if (Accept("("))
            {
                while (!Current.Is(")"))
                {
                    args.Add(ParseExpression(null).Evaluate([]));
                    if (!Accept(","))
                    {
                        break;
                    }
                }

                Expect(")", "after the gate arguments");
            }

            if (args.Count != pcount)
            {
                throw QasmErrors.At(callee, $"gate '{callee.Text}' takes {pcount} parameter{(pcount == 1 ? string.Empty : "s")}, got {args.Count}");
            }

            List<QubitArg> qargs = ParseQubitArgs(";");
            if (!Current.Is(";") && qargs.Count > 0)
            {
                throw QasmErrors.At(Current, $"expected ',' or ';' after the qubit arguments of '{callee.Text}', found {Current.Describe()}");
            }

            if (qargs.Count != arity)
            {
                throw QasmErrors.At(callee, $"gate '{callee.Text}' acts on {arity} qubit{(arity == 1 ? string.Empty : "s")}, got {qargs.Count}");
            }

            Expect(";", $"after '{callee.Text}'");
            int width = 1;
            foreach (QubitArg a in qargs)
            {
                if (a.IsRegister)
                {
                    if (width != 1 && a.Indices.Length != width)
                    {
                        throw QasmErrors.At(a.At, $"register sizes differ in broadcast of '{callee.Text}' ({width} and {a.Indices.Length})");
                    }

                    width = a.Indices.Length;
                }
            }

            double[] parameters = [.. args];
            var qubits = new int[arity];
            for (int i = 0; i < width; i++)
            {
                for (int j = 0; j < arity; j++)
                {
                    qubits[j] = qargs[j].IsRegister ? qargs[j].Indices[i] : qargs[j].Indices[0];
                    for (int k = 0; k < j; k++)
                    {
                        if (qubits[k] == qubits[j])
                        {
                            throw QasmErrors.At(qargs[j].At, $"qubit {QubitName(qubits[j])} is used twice in '{callee.Text}'");
                        }
                    }
                }

                ApplyGate(sink, callee, callee.Text, parameters, qubits, 0);
            }
        }

        private void ApplyGate(List<CircuitOperation> sink, in Token at, string name, double[] parameters, int[] qubits, int depth)
        {
            if (_gates.TryGetValue(name, out UserGate? user))
            {
                if (depth >= options.MaxGateDepth)
                {
                    throw QasmErrors.At(at, $"gate definitions nest deeper than the limit of {options.MaxGateDepth}");
                }

                foreach (BodyStatement s in user.Body)
                {
                    var values = new double[s.Arguments.Length];
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = s.Arguments[i].Evaluate(parameters);
                    }

                    if (s.IsGlobalPhase)
                    {
                        _globalPhase += values[0];
                        continue;
                    }

                    var mapped = new int[s.Qubits.Length];
                    for (int i = 0; i < mapped.Length; i++)
                    {
                        mapped[i] = qubits[s.Qubits[i]];
                    }

                    ApplyGate(sink, at, s.Name, values, mapped, depth + 1);
                }

                return;
            }

            StandardGates.TryGet(name, out GateDefinition? def);
            foreach (double p in parameters)
            {
                if (!double.IsFinite(p))
                {
                    throw QasmErrors.At(at, $"gate '{name}' has a parameter that is not a finite number");
                }
            }

            Emit(sink, new GateOperation(def!.Name, [.. parameters], [.. qubits]), at);
        }

        private void Emit(List<CircuitOperation> sink, CircuitOperation op, in Token at)
        {
            if (++_opCount > options.MaxOperations)
            {
                throw QasmErrors.At(at, $"the program expands to more than {options.MaxOperations} operations (the limit)");
            }

            sink.Add(op);
        }

        private string QubitName(int q)
        {
            if (_maxPhysical >= 0)
            {
                return "$" + q.ToString(CultureInfo.InvariantCulture);
            }

            foreach (QubitRegister r in _qregList)
            {
                if (q >= r.Offset && q < r.Offset + r.Size)
                {
                    return $"{r.Name}[{q - r.Offset}]";
                }
            }

            return q.ToString(CultureInfo.InvariantCulture);
        }

        private List<QubitArg> ParseQubitArgs(string terminator)
        {
            var list = new List<QubitArg>();
            while (!Current.Is(terminator) && (Current.Kind == TokenKind.Identifier || Current.Kind == TokenKind.Physical))
            {
                list.Add(ParseQubitArg());
                if (!Accept(","))
                {
                    break;
                }
            }

            return list;
        }

        private QubitArg ParseQubitArg()
        {
            Token t = Current;
            if (t.Kind == TokenKind.Physical)
            {
                Next();
                if (_qregList.Count > 0)
                {
                    throw QasmErrors.At(t, "cannot use physical qubits ($k) in a program that declares qubit registers");
                }

                if (t.Number >= options.MaxRegisterSize)
                {
                    throw QasmErrors.At(t, $"physical qubit ${t.Text} exceeds the limit of {options.MaxRegisterSize} qubits");
                }

                int p = (int)t.Number;
                _maxPhysical = Math.Max(_maxPhysical, p);
                return new QubitArg(t, [p], false);
            }

            Token name = ExpectIdentifier("a qubit argument");
            if (!_qregs.TryGetValue(name.Text, out QubitRegister? reg))
            {
                throw QasmErrors.At(name, $"'{name.Text}' is not a declared qubit register");
            }

            if (Accept("["))
            {
                int[] selected = ParseIndexOrRange(name, reg.Size, reg.Name);
                return new QubitArg(name, [.. selected.Select(i => reg.Offset + i)], selected.Length != 1 || _lastWasRange);
            }

            return new QubitArg(name, [.. Enumerable.Range(reg.Offset, reg.Size)], true);
        }

        private bool _lastWasRange;

        /// <summary>
        /// Parses <c>i]</c> or an OpenQASM 3 range <c>a:b]</c> / <c>a:step:b]</c> (both ends inclusive, step ≠ 0), after the
        /// opening bracket; a range selects like a register (broadcast).
        /// </summary>
        private int[] ParseIndexOrRange(in Token name, int size, string register)
        {
            Token first = Current;
            long start = ParseBound(name, size, register);
            if (!Accept(":"))
            {
                _lastWasRange = false;
                Expect("]", "after the index");
                return [(int)start];
            }

            long step = 1;
            long end = ParseBound(name, size, register);
            if (Accept(":"))
            {
                step = end;
                end = ParseBound(name, size, register);
            }

            Expect("]", "after the range");
            if (step == 0 || (step > 0 && end < start) || (step < 0 && end > start))
            {
                throw QasmErrors.At(first, $"range {start}:{(step == 1 ? string.Empty : step + ":")}{end} of register '{register}' selects nothing");
            }

            _lastWasRange = true;
            var indices = new List<int>();
            for (long i = start; step > 0 ? i <= end : i >= end; i += step)
            {
                indices.Add((int)i);
            }

            return [.. indices];
        }

        private long ParseBound(in Token name, int size, string register)
        {
            Token idx = Current;
            if (idx.Kind != TokenKind.Integer)
            {
                throw QasmErrors.At(idx, $"expected an integer index into '{register}', found {idx.Describe()}");
            }

            Next();
            if (idx.Number >= size)
            {
                throw QasmErrors.At(idx, $"index {idx.Text} is out of range for register '{register}' of size {size}");
            }

            return (long)idx.Number;
        }

        private readonly record struct ClbitArg(Token At, int[] Indices, bool IsRegister);

        private ClbitArg ParseClbitArg()
        {
            Token name = ExpectIdentifier("a classical bit argument");
            if (!_cregs.TryGetValue(name.Text, out ClbitRegister? reg))
            {
                throw QasmErrors.At(name, $"'{name.Text}' is not a declared classical register");
            }

            if (Accept("["))
            {
                int[] selected = ParseIndexOrRange(name, reg.Size, reg.Name);
                return new ClbitArg(name, [.. selected.Select(i => reg.Offset + i)], selected.Length != 1 || _lastWasRange);
            }

            return new ClbitArg(name, [.. Enumerable.Range(reg.Offset, reg.Size)], true);
        }

        private void ParseMeasureArrow(List<CircuitOperation> sink)
        {
            Token m = Next();
            QubitArg q = ParseQubitArg();
            Expect("->", "after the measured qubits");
            ClbitArg c = ParseClbitArg();
            Expect(";", "after measure");
            EmitMeasure(sink, m, q, c);
        }

        private void ParseMeasureAssignment(List<CircuitOperation> sink)
        {
            ClbitArg c = ParseClbitArg();
            Expect("=", "after the classical target");
            Token m = Current;
            if (!m.Is("measure"))
            {
                throw QasmErrors.At(m, $"expected 'measure' (only measurement results can be assigned), found {m.Describe()}");
            }

            Next();
            QubitArg q = ParseQubitArg();
            Expect(";", "after measure");
            EmitMeasure(sink, m, q, c);
        }

        private void EmitMeasure(List<CircuitOperation> sink, in Token at, QubitArg q, ClbitArg c)
        {
            if (q.Indices.Length != c.Indices.Length)
            {
                throw QasmErrors.At(at, $"measure needs matching sizes: {q.Indices.Length} qubit{(q.Indices.Length == 1 ? string.Empty : "s")} into {c.Indices.Length} bit{(c.Indices.Length == 1 ? string.Empty : "s")}");
            }

            for (int i = 0; i < q.Indices.Length; i++)
            {
                Emit(sink, new MeasureOperation(q.Indices[i], c.Indices[i]), at);
            }
        }

        private void ParseDelay(List<CircuitOperation> sink)
        {
            Token d = Next();
            Expect("[", "after delay");
            Token amount = Current;
            if (amount.Kind is not (TokenKind.Integer or TokenKind.Real))
            {
                throw QasmErrors.At(amount, $"expected a duration after 'delay[', found {amount.Describe()}");
            }

            Next();
            string unit = "dt";
            if (Current.Kind == TokenKind.Identifier)
            {
                Token u = Next();
                if (u.Text is not ("dt" or "ns" or "us" or "µs" or "ms" or "s"))
                {
                    throw QasmErrors.At(u, $"unknown duration unit '{u.Text}' (expected dt, ns, us, µs, ms or s)");
                }

                unit = u.Text;
            }

            Expect("]", "after the duration");
            var qs = ParseQubitArgs(";").SelectMany(static a => a.Indices).ToList();
            Expect(";", "after delay");
            Emit(sink, new DelayOperation(qs.Count == 0 ? [.. Enumerable.Range(0, _qubits)] : [.. qs], amount.Number, unit), d);
        }

        private void ParseIf(List<CircuitOperation> sink)
        {
            Token kw = Next();
            Enter(kw);
            Expect("(", "after if");
            bool negate = Accept("!");
            ClbitArg c = ParseClbitArg();
            ulong value = 1;
            if (!negate && Accept("=="))
            {
                Token v = Current;
                if (v.Is("true") || v.Is("false"))
                {
                    value = v.Text == "true" ? 1UL : 0UL;
                    Next();
                }
                else if (v.Kind == TokenKind.Integer && ulong.TryParse(v.Text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
                {
                    Next();
                }
                else
                {
                    throw QasmErrors.At(v, $"expected a non-negative integer to compare with, found {v.Describe()}");
                }
            }
            else if (!negate && c.IsRegister && c.Indices.Length > 1)
            {
                throw QasmErrors.At(Current, $"expected '==' after register '{c.At.Text}', found {Current.Describe()}");
            }
            else if (negate)
            {
                value = 0;
            }

            Expect(")", "after the condition");
            var cond = new ClassicalCondition([.. c.Indices], value);
            List<CircuitOperation> thenOps = ParseBranch(kw);
            List<CircuitOperation> elseOps = [];
            if (Current.Is("else"))
            {
                Token e = Next();
                elseOps = ParseBranch(e);
            }

            _depth--;
            Emit(sink, new ConditionalOperation(cond, [.. thenOps], [.. elseOps]), kw);
        }

        private List<CircuitOperation> ParseBranch(in Token owner)
        {
            var ops = new List<CircuitOperation>();
            if (Accept("{"))
            {
                while (!Current.Is("}"))
                {
                    if (Current.Kind == TokenKind.End)
                    {
                        throw QasmErrors.At(Current, $"expected '}}' to close the block of '{owner.Text}' at {owner.Line}:{owner.Column}, found end of input");
                    }

                    ParseStatement(ops, topLevel: false);
                }

                Next();
            }
            else
            {
                if (Current.Kind == TokenKind.End || Current.Is(";"))
                {
                    throw QasmErrors.At(Current, $"expected an operation after '{owner.Text}', found {Current.Describe()}");
                }

                ParseStatement(ops, topLevel: false);
            }

            return ops;
        }

        // Expressions: sum := product (('+'|'-') product)*; product := unary (('*'|'/'|'%') unary)*;
        // unary := ('-'|'+') unary | power; power := primary (('^'|'**') unary)?
        private QasmExpression ParseExpression(string[]? parameters)
        {
            Enter(Current);
            QasmExpression left = ParseProduct(parameters);
            while (Current.Is("+") || Current.Is("-"))
            {
                string op = Next().Text;
                left = new QasmExpression.Binary(op, left, ParseProduct(parameters));
            }

            _depth--;
            return left;
        }

        private QasmExpression ParseProduct(string[]? parameters)
        {
            QasmExpression left = ParseUnary(parameters);
            while (Current.Is("*") || Current.Is("/") || Current.Is("%"))
            {
                string op = Next().Text;
                left = new QasmExpression.Binary(op, left, ParseUnary(parameters));
            }

            return left;
        }

        private QasmExpression ParseUnary(string[]? parameters)
        {
            if (Current.Is("-") || Current.Is("+"))
            {
                Token op = Next();
                Enter(op);
                QasmExpression operand = ParseUnary(parameters);
                _depth--;
                return new QasmExpression.Unary(op.Text[0], operand);
            }

            QasmExpression b = ParsePrimary(parameters);
            if (Current.Is("^") || Current.Is("**"))
            {
                Token op = Next();
                Enter(op);
                QasmExpression exponent = ParseUnary(parameters);
                _depth--;
                return new QasmExpression.Binary("^", b, exponent);
            }

            return b;
        }

        private QasmExpression ParsePrimary(string[]? parameters)
        {
            Token t = Current;
            switch (t.Kind)
            {
                case TokenKind.Integer:
                case TokenKind.Real:
                    Next();
                    return new QasmExpression.Constant(t.Number);
                case TokenKind.Identifier:
                    Next();
                    switch (t.Text)
                    {
                        case "pi" or "π":
                            return new QasmExpression.Constant(Math.PI);
                        case "tau" or "τ":
                            return new QasmExpression.Constant(2 * Math.PI);
                        case "euler" or "ℇ":
                            return new QasmExpression.Constant(Math.E);
                        default:
                            break;
                    }

                    if (s_functions.Contains(t.Text) && Current.Is("("))
                    {
                        Next();
                        QasmExpression arg = ParseExpression(parameters);
                        Expect(")", $"after the argument of {t.Text}");
                        return new QasmExpression.Call(t.Text, arg);
                    }

                    int index = parameters is null ? -1 : Array.IndexOf(parameters, t.Text);
                    if (index >= 0)
                    {
                        return new QasmExpression.Parameter(index);
                    }

                    throw QasmErrors.At(t, $"unknown identifier '{t.Text}' in expression");
                default:
                    if (t.Is("("))
                    {
                        Next();
                        QasmExpression inner = ParseExpression(parameters);
                        Expect(")", "to close the parenthesis");
                        return inner;
                    }

                    throw QasmErrors.At(t, $"expected an expression, found {t.Describe()}");
            }
        }
    }
}
