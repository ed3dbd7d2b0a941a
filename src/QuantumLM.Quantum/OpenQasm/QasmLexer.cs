using System.Globalization;
using QuantumLM.Abstractions;

namespace QuantumLM.Quantum.OpenQasm;

internal enum TokenKind
{
    End,
    Identifier,
    Integer,
    Real,
    String,
    Physical,
    Symbol,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column, double Number)
{
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of input",
        TokenKind.String => $"string \"{Shorten(Text)}\"",
        TokenKind.Physical => $"'${Text}'",
        _ => $"'{Shorten(Text)}'",
    };

    public bool Is(string symbol) => (Kind == TokenKind.Symbol || Kind == TokenKind.Identifier) && Text == symbol;

    private static string Shorten(string s) => s.Length <= 32 ? s : string.Concat(s.AsSpan(0, 29), "...");
}

/// <summary>Splits OpenQASM 2/3 source into tokens with 1-based line and column numbers.</summary>
internal static class QasmLexer
{
    private static readonly string[] s_symbols2 = ["->", "==", "!=", "<=", ">=", "**", "&&", "||", "<<", ">>", "++"];

    public static List<Token> Tokenize(string source)
    {
        var tokens = new List<Token>(Math.Min(source.Length / 3 + 16, 1 << 20));
        int line = 1, lineStart = 0, i = 0;
        while (true)
        {
            // whitespace and comments
            while (i < source.Length)
            {
                char c = source[i];
                if (c == '\n')
                {
                    line++;
                    i++;
                    lineStart = i;
                }
                else if (char.IsWhiteSpace(c) || c == '\uFEFF')
                {
                    i++;
                }
                else if (c == '/' && i + 1 < source.Length && source[i + 1] == '/')
                {
                    while (i < source.Length && source[i] != '\n')
                    {
                        i++;
                    }
                }
                else if (c == '/' && i + 1 < source.Length && source[i + 1] == '*')
                {
                    int startLine = line, startCol = i - lineStart + 1;
                    i += 2;
                    while (true)
                    {
                        if (i + 1 >= source.Length)
                        {
                            throw QasmErrors.At(startLine, startCol, "unterminated block comment (expected '*/')");
                        }

                        if (source[i] == '*' && source[i + 1] == '/')
                        {
                            i += 2;
                            break;
                        }

                        if (source[i] == '\n')
                        {
                            line++;
                            lineStart = i + 1;
                        }

                        i++;
                    }
                }
                else
                {
                    break;
                }
            }

            int col = i - lineStart + 1;
            if (i >= source.Length)
            {
                tokens.Add(new Token(TokenKind.End, string.Empty, line, col, 0));
                return tokens;
            }

            char ch = source[i];
            int start = i;
            if (char.IsAsciiDigit(ch) || (ch == '.' && i + 1 < source.Length && char.IsAsciiDigit(source[i + 1])))
            {
                bool real = false;
                while (i < source.Length && (char.IsAsciiDigit(source[i]) || source[i] == '_'))
                {
                    i++;
                }

                if (i < source.Length && source[i] == '.')
                {
                    real = true;
                    i++;
                    while (i < source.Length && char.IsAsciiDigit(source[i]))
                    {
                        i++;
                    }
                }

                if (i < source.Length && (source[i] == 'e' || source[i] == 'E'))
                {
                    int save = i;
                    i++;
                    if (i < source.Length && (source[i] == '+' || source[i] == '-'))
                    {
                        i++;
                    }

                    if (i < source.Length && char.IsAsciiDigit(source[i]))
                    {
                        real = true;
                        while (i < source.Length && char.IsAsciiDigit(source[i]))
                        {
                            i++;
                        }
                    }
                    else
                    {
                        i = save;
                    }
                }

                string text = source[start..i].Replace("_", string.Empty, StringComparison.Ordinal);
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                {
                    throw QasmErrors.At(line, col, $"invalid number '{Short(text)}'");
                }

                tokens.Add(new Token(real ? TokenKind.Real : TokenKind.Integer, text, line, col, value));
                continue;
            }

            if (IsIdentStart(ch))
            {
                while (i < source.Length && IsIdentPart(source[i]))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, source[start..i], line, col, 0));
                continue;
            }

            if (ch == '$')
            {
                i++;
                while (i < source.Length && char.IsAsciiDigit(source[i]))
                {
                    i++;
                }

                if (i == start + 1)
                {
                    throw QasmErrors.At(line, col, "expected a physical qubit number after '$'");
                }

                string digits = source[(start + 1)..i];
                if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int phys))
                {
                    throw QasmErrors.At(line, col, $"physical qubit number '{Short(digits)}' is too large");
                }

                tokens.Add(new Token(TokenKind.Physical, digits, line, col, phys));
                continue;
            }

            if (ch == '"' || ch == '\'')
            {
                i++;
                while (i < source.Length && source[i] != ch && source[i] != '\n')
                {
                    i++;
                }

                if (i >= source.Length || source[i] != ch)
                {
                    throw QasmErrors.At(line, col, $"unterminated string (expected closing {ch})");
                }

                tokens.Add(new Token(TokenKind.String, source[(start + 1)..i], line, col, 0));
                i++;
                continue;
            }

            if (i + 1 < source.Length)
            {
                string two = source.Substring(i, 2);
                if (Array.IndexOf(s_symbols2, two) >= 0)
                {
                    tokens.Add(new Token(TokenKind.Symbol, two, line, col, 0));
                    i += 2;
                    continue;
                }
            }

            if ("; ,()[]{}+-*/^=@:!<>~&|%".Contains(ch, StringComparison.Ordinal) && ch != ' ')
            {
                tokens.Add(new Token(TokenKind.Symbol, ch.ToString(), line, col, 0));
                i++;
                continue;
            }

            string shown = char.IsControl(ch) || char.IsSurrogate(ch) ? $"\\u{(int)ch:X4}" : ch.ToString();
            throw QasmErrors.At(line, col, $"unexpected character '{shown}'");
        }
    }

    private static bool IsIdentStart(char c) => char.IsAsciiLetter(c) || c == '_' || (c > 127 && char.IsLetter(c));

    private static bool IsIdentPart(char c) => IsIdentStart(c) || char.IsAsciiDigit(c) || (c > 127 && char.IsLetterOrDigit(c));

    private static string Short(string s) => s.Length <= 32 ? s : string.Concat(s.AsSpan(0, 29), "...");
}

/// <summary>Builds the parser's exceptions: code <c>qasm</c>, message <c>&lt;line&gt;:&lt;col&gt; &lt;what&gt;</c>.</summary>
internal static class QasmErrors
{
    public static QuantumLmException At(int line, int column, string message) =>
        new(QuantumLmErrorCodes.InvalidCircuit, string.Create(CultureInfo.InvariantCulture, $"{line}:{column} {message}"));

    public static QuantumLmException At(in Token token, string message) => At(token.Line, token.Column, message);
}
