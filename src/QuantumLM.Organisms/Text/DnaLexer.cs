using System.Globalization;
using System.Text;

namespace QuantumLM.Organisms;

internal enum TokenKind
{
    Eof,
    Identifier,
    String,
    Number,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    Comma,
    Star,
    Comment,
    Invalid,
}

internal enum NumberProblem
{
    None,
    NotFinite,
    IntegerTooLarge,
}

internal readonly record struct Token(TokenKind Kind, int Line, int Column, string? Text, double Number, bool IsInteger, NumberProblem Problem, bool OnNewLine)
{
    public string Describe() => Kind switch
    {
        TokenKind.Eof => "end of input",
        TokenKind.Identifier => $"'{Shorten(Text)}'",
        TokenKind.String => "a string",
        TokenKind.Number => "a number",
        TokenKind.LBrace => "'{'",
        TokenKind.RBrace => "'}'",
        TokenKind.LBracket => "'['",
        TokenKind.RBracket => "']'",
        TokenKind.Colon => "':'",
        TokenKind.Comma => "','",
        TokenKind.Star => "'*'",
        TokenKind.Comment => "a comment",
        _ => "an invalid character",
    };

    internal static string Shorten(string? s) => s is null ? string.Empty : s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");
}

/// <summary>Splits DNALang text into tokens, tracking line and column (1-based, UTF-16 code units).</summary>
internal sealed class DnaLexer
{
    internal const int MaxNumberLength = 1000;

    private static readonly System.Buffers.SearchValues<char> StringStops = System.Buffers.SearchValues.Create("\"\\\n\r");

    private const int MaxInterned = 8192;
    private const int MaxInternedLength = 64;

    private readonly string _text;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _namesBySpan;
    private readonly bool _tolerant;
    private readonly Action<string>? _fix;
    private int _pos;
    private int _line = 1;
    private int _col = 1;

    public DnaLexer(string text, bool tolerant, Action<string>? fix)
    {
        _text = text;
        _namesBySpan = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        _tolerant = tolerant;
        _fix = fix;
        if (_text.Length > 0 && _text[0] == '\uFEFF')
        {
            _pos = 1;
        }
    }

    /// <summary>Returns the next token without consuming it.</summary>
    public Token Peek()
    {
        (int pos, int line, int col) = (_pos, _line, _col);
        var token = Next();
        (_pos, _line, _col) = (pos, line, col);
        return token;
    }

    public Token Next()
    {
        bool newline = SkipWhitespace();
        if (_pos >= _text.Length)
        {
            return new Token(TokenKind.Eof, _line, _col, null, 0, false, NumberProblem.None, newline);
        }

        int line = _line, col = _col;
        char c = _text[_pos];
        switch (c)
        {
            case '{': Step(); return Simple(TokenKind.LBrace);
            case '}': Step(); return Simple(TokenKind.RBrace);
            case '[': Step(); return Simple(TokenKind.LBracket);
            case ']': Step(); return Simple(TokenKind.RBracket);
            case ':': Step(); return Simple(TokenKind.Colon);
            case ',': Step(); return Simple(TokenKind.Comma);
            case '*': Step(); return Simple(TokenKind.Star);
            case '#': return LexComment(line, col, newline);
            case '"': return LexString(line, col);
            default:
                if (c == '-' || char.IsAsciiDigit(c))
                {
                    return LexNumber(line, col);
                }

                if (DnaNames.IsIdentifierStart(c))
                {
                    int start = _pos;
                    int end = start + 1;
                    while (end < _text.Length && DnaNames.IsIdentifierPart(_text[end]))
                    {
                        end++;
                    }

                    Skip(end - start);
                    return new Token(TokenKind.Identifier, line, col, Intern(_text.AsSpan(start, end - start)), 0, false, NumberProblem.None, newline);
                }

                if (!_tolerant)
                {
                    throw new DnaSyntaxException(line, col, $"unexpected character {DescribeChar(c)}");
                }

                Step();
                return Simple(TokenKind.Invalid);
        }

        Token Simple(TokenKind kind) => new(kind, line, col, null, 0, false, NumberProblem.None, newline);
    }

    internal static string DescribeChar(char c) =>
        c >= 0x20 && c < 0x7F ? $"'{c}'" : string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}");

    /// <summary>Advances over characters known not to be line feeds.</summary>
    private void Skip(int count)
    {
        _pos += count;
        _col += count;
    }

    /// <summary>Returns a shared instance of a short, repeated string (keys, keywords, short values).</summary>
    private string Intern(ReadOnlySpan<char> span)
    {
        if (span.Length > MaxInternedLength)
        {
            return new string(span);
        }

        if (_namesBySpan.TryGetValue(span, out string? existing))
        {
            return existing;
        }

        string s = new(span);
        if (_names.Count < MaxInterned)
        {
            _names[s] = s;
        }

        return s;
    }

    private void Step()
    {
        if (_text[_pos] == '\n')
        {
            _line++;
            _col = 1;
        }
        else
        {
            _col++;
        }

        _pos++;
    }

    private bool SkipWhitespace()
    {
        bool newline = false;
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == '\n')
            {
                newline = true;
            }
            else if (c is not (' ' or '\t' or '\r' or '\f' or '\v'))
            {
                break;
            }

            Step();
        }

        return newline;
    }

    private Token LexComment(int line, int col, bool newline)
    {
        Skip(1); // '#'
        int start = _pos;
        int length = _text.AsSpan(_pos).IndexOfAny('\n', '\r');
        Skip(length < 0 ? _text.Length - _pos : length);

        if (start < _pos && _text[start] == ' ')
        {
            start++;
        }

        string text = _text[start.._pos];
        if (DnaNames.HasLoneSurrogate(text))
        {
            if (!_tolerant)
            {
                throw new DnaSyntaxException(line, col, "comment contains an unpaired UTF-16 surrogate: expected valid Unicode text");
            }

            _fix?.Invoke($"skip_invalid:{line}:{col}");
            var chars = text.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(chars[i]))
                {
                    chars[i] = '\uFFFD';
                }
            }

            text = new string(chars);
        }

        return new Token(TokenKind.Comment, line, col, text, 0, false, NumberProblem.None, newline);
    }

    private Token LexString(int line, int col)
    {
        Step(); // opening quote
        StringBuilder? sb = null;
        int runStart = _pos;
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] is '\n' or '\r')
            {
                if (!_tolerant)
                {
                    throw new DnaSyntaxException(_line, _col, $"unterminated string (opened at {line}:{col}): expected '\"' before the end of the line");
                }

                _fix?.Invoke($"close_string:{line}:{col}");
                return Finish();
            }

            char c = _text[_pos];
            if (c == '"')
            {
                var token = Finish();
                Skip(1);
                return token;
            }

            if (c != '\\')
            {
                int run = _text.AsSpan(_pos).IndexOfAny(StringStops);
                Skip(run < 0 ? _text.Length - _pos : run);
                continue;
            }

            sb ??= new StringBuilder();
            sb.Append(_text, runStart, _pos - runStart);
            int escLine = _line, escCol = _col;
            Step(); // backslash
            if (_pos >= _text.Length || _text[_pos] is '\n' or '\r')
            {
                runStart = _pos;
                continue; // reported as unterminated on the next iteration
            }

            char e = _text[_pos];
            Step();
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_pos + 4 <= _text.Length && ushort.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code))
                    {
                        sb.Append((char)code);
                        for (int i = 0; i < 4; i++)
                        {
                            Step();
                        }
                    }
                    else if (!_tolerant)
                    {
                        throw new DnaSyntaxException(escLine, escCol, "invalid escape: expected four hexadecimal digits after \\u");
                    }
                    else
                    {
                        _fix?.Invoke($"skip_invalid:{escLine}:{escCol}");
                    }

                    break;
                default:
                    if (!_tolerant)
                    {
                        throw new DnaSyntaxException(escLine, escCol, $"invalid escape \\{e}: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
                    }

                    _fix?.Invoke($"skip_invalid:{escLine}:{escCol}");
                    sb.Append(e);
                    break;
            }

            runStart = _pos;
        }

        Token Finish()
        {
            string value = sb is null ? Intern(_text.AsSpan(runStart, _pos - runStart)) : sb.Append(_text, runStart, _pos - runStart).ToString();
            return new Token(TokenKind.String, line, col, value, 0, false, NumberProblem.None, false);
        }
    }

    private Token LexNumber(int line, int col)
    {
        int start = _pos;
        bool isInteger = true;
        if (_text[_pos] == '-')
        {
            Step();
        }

        if (!ScanDigits())
        {
            return BadNumber("expected a digit");
        }

        if (_pos < _text.Length && _text[_pos] == '.')
        {
            isInteger = false;
            Step();
            if (!ScanDigits())
            {
                return BadNumber("expected a digit after '.'");
            }
        }

        if (_pos < _text.Length && _text[_pos] is 'e' or 'E')
        {
            isInteger = false;
            Step();
            if (_pos < _text.Length && _text[_pos] is '+' or '-')
            {
                Step();
            }

            if (!ScanDigits())
            {
                return BadNumber("expected a digit in the exponent");
            }
        }

        if (_pos - start > MaxNumberLength)
        {
            if (!_tolerant)
            {
                throw new DnaSyntaxException(line, col, $"number literal is longer than {MaxNumberLength} characters");
            }

            return new Token(TokenKind.Number, line, col, null, 0, false, NumberProblem.NotFinite, false);
        }

        if (_pos < _text.Length && !IsDelimiter(_text[_pos]))
        {
            if (!_tolerant)
            {
                throw new DnaSyntaxException(_line, _col, $"unexpected character {DescribeChar(_text[_pos])} after a number");
            }
        }

        double value = double.Parse(_text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        var problem = !double.IsFinite(value) ? NumberProblem.NotFinite
            : isInteger && Math.Abs(value) > NumberTrait.MaxSafeInteger ? NumberProblem.IntegerTooLarge
            : NumberProblem.None;
        return new Token(TokenKind.Number, line, col, null, value, isInteger, problem, false);

        Token BadNumber(string what)
        {
            if (!_tolerant)
            {
                throw new DnaSyntaxException(_line, _col, $"invalid number: {what}");
            }

            return new Token(TokenKind.Invalid, line, col, null, 0, false, NumberProblem.None, false);
        }
    }

    private bool ScanDigits()
    {
        int end = _pos;
        while (end < _text.Length && char.IsAsciiDigit(_text[end]))
        {
            end++;
        }

        bool any = end > _pos;
        Skip(end - _pos);
        return any;
    }

    private static bool IsDelimiter(char c) => c is ' ' or '\t' or '\r' or '\n' or '\f' or '\v' or ',' or ']' or '}' or '#';
}
