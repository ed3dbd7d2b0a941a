namespace QuantumLM.Organisms;

/// <summary>
/// Recursive-descent parser for DNALang. In strict mode the first error throws <see cref="DnaSyntaxException"/>; in
/// tolerant mode (used by self_heal) every error is repaired locally, the repair is recorded, and a model is always
/// returned. Recursion depth is bounded by <see cref="DnaParseOptions.MaxDepth"/>.
/// </summary>
internal sealed class DnaParser
{
    private const string Unnamed = "Unnamed";

    private readonly DnaLexer _lexer;
    private readonly DnaParseOptions _options;
    private readonly bool _tolerant;
    private readonly List<string> _fixes = [];
    private readonly HashSet<string> _fixSet = new(StringComparer.Ordinal);
    private Token _cur;
    private int _depth;
    private int _listDepth;
    private bool _dropEntry;
    private bool _lastFixWasSkip;

    private DnaParser(string text, DnaParseOptions options, bool tolerant)
    {
        _options = options;
        _tolerant = tolerant;
        _lexer = new DnaLexer(text, tolerant, Fix);
        _cur = _lexer.Next();
    }

    private enum MapKind
    {
        Plain,
        Traits,
    }

    public static Organism ParseStrict(string text, DnaParseOptions options) => new DnaParser(text, options, tolerant: false).ParseDocument();

    public static Organism ParseTolerant(string text, DnaParseOptions options, out IReadOnlyList<string> fixes)
    {
        var parser = new DnaParser(text, options, tolerant: true);
        var organism = parser.ParseDocument();
        fixes = parser._fixes;
        return organism;
    }

    internal void Fix(string fix)
    {
        bool isSkip = fix.StartsWith("skip_invalid:", StringComparison.Ordinal);
        if (isSkip && _lastFixWasSkip)
        {
            return; // one entry per run of skipped input
        }

        _lastFixWasSkip = isSkip;
        if (_fixSet.Add(fix))
        {
            _fixes.Add(fix);
        }
    }

    private void Advance()
    {
        _cur = _lexer.Next();
        if (_cur.Kind != TokenKind.Invalid)
        {
            return;
        }

        // Only produced in tolerant mode: drop runs of invalid characters.
        Fix($"skip_invalid:{_cur.Line}:{_cur.Column}");
        while (_cur.Kind == TokenKind.Invalid)
        {
            _cur = _lexer.Next();
        }
    }

    private static DnaSyntaxException Error(Token at, string expected) => new(at.Line, at.Column, expected);

    /// <summary>Reports an error: throws in strict mode, records a skip in tolerant mode.</summary>
    private void Fail(Token at, string expected)
    {
        if (!_tolerant)
        {
            throw Error(at, expected);
        }

        Fix($"skip_invalid:{at.Line}:{at.Column}");
    }

    /// <summary>Skips the current token; an opening brace or bracket is skipped with its whole group.</summary>
    private void SkipToken()
    {
        if (_cur.Kind is TokenKind.LBrace or TokenKind.LBracket)
        {
            int level = 0;
            do
            {
                if (_cur.Kind is TokenKind.LBrace or TokenKind.LBracket)
                {
                    level++;
                }
                else if (_cur.Kind is TokenKind.RBrace or TokenKind.RBracket)
                {
                    level--;
                }

                Advance();
            }
            while (level > 0 && _cur.Kind != TokenKind.Eof);
            return;
        }

        if (_cur.Kind != TokenKind.Eof)
        {
            Advance();
        }
    }

    private bool Enter(Token at)
    {
        if (++_depth <= _options.MaxDepth)
        {
            return true;
        }

        _depth--;
        Fail(at, $"nesting is deeper than the limit of {_options.MaxDepth} levels");
        SkipToken();
        return false;
    }

    private void Unclosed(Token open, string what)
    {
        if (!_tolerant)
        {
            throw Error(_cur, $"expected '}}' to close {what} opened at {open.Line}:{open.Column}");
        }

        _lastFixWasSkip = false;
        Fix("balance_braces");
    }

    private string? TakeTrailingComment()
    {
        if (_listDepth == 0 && _cur.Kind == TokenKind.Comment && !_cur.OnNewLine)
        {
            string? text = _cur.Text;
            Advance();
            return text;
        }

        return null;
    }

    private Organism ParseDocument()
    {
        var leading = new List<string>();
        while (_cur.Kind == TokenKind.Comment)
        {
            leading.Add(_cur.Text!);
            Advance();
        }

        string name = Unnamed;
        Token open = _cur;
        bool explicitBrace = true;
        if (_cur.Kind == TokenKind.Identifier && _cur.Text == DnaKeywords.Organism)
        {
            Advance();
            if (_cur.Kind == TokenKind.Identifier)
            {
                name = _cur.Text!;
                Advance();
            }
            else if (!_tolerant)
            {
                throw Error(_cur, "expected the organism name after 'ORGANISM'");
            }
            else
            {
                Fix("add_header");
            }

            if (_cur.Kind == TokenKind.LBrace)
            {
                open = _cur;
                Advance();
            }
            else if (!_tolerant)
            {
                throw Error(_cur, "expected '{' after the organism name");
            }
            else
            {
                Fix("balance_braces");
                explicitBrace = false;
            }
        }
        else if (!_tolerant)
        {
            throw Error(_cur, "expected 'ORGANISM <Name> {'");
        }
        else
        {
            Fix("add_header");
            explicitBrace = false;
        }

        _depth = 1;
        var sections = new List<OrganismSection?>();
        var closing = new List<string>();
        bool closed = ParseOrganismBody(open, sections, closing, afterClose: !explicitBrace);
        var trailing = new List<string>();
        if (closed)
        {
            while (_cur.Kind == TokenKind.Comment)
            {
                trailing.Add(_cur.Text!);
                Advance();
            }

            if (_cur.Kind != TokenKind.Eof)
            {
                if (!_tolerant)
                {
                    throw Error(_cur, $"expected the end of input after the organism's closing '}}', found {_cur.Describe()}");
                }

                _lastFixWasSkip = false;
                Fix("balance_braces");
                closing.AddRange(trailing);
                trailing.Clear();
                ParseOrganismBody(open, sections, closing, afterClose: true);
            }
        }

        return new Organism(name, sections.OfType<OrganismSection>(), new Trivia(leading), closing, trailing);
    }

    /// <returns><see langword="true"/> when the body ended at its closing brace.</returns>
    private bool ParseOrganismBody(Token open, List<OrganismSection?> sections, List<string> closing, bool afterClose)
    {
        var pending = new List<string>();
        while (true)
        {
            switch (_cur.Kind)
            {
                case TokenKind.Comment:
                    pending.Add(_cur.Text!);
                    Advance();
                    continue;
                case TokenKind.RBrace:
                    if (afterClose)
                    {
                        _lastFixWasSkip = false;
                        Fix("balance_braces");
                        Advance();
                        continue;
                    }

                    Advance();
                    closing.AddRange(pending);
                    return true;
                case TokenKind.Eof:
                    if (!afterClose)
                    {
                        Unclosed(open, "ORGANISM");
                    }

                    closing.AddRange(pending);
                    return false;
                case TokenKind.Identifier:
                    var keywordToken = _cur;
                    Advance();
                    if (_cur.Kind != TokenKind.LBrace)
                    {
                        Fail(_cur, $"expected '{{' after section keyword '{Token.Shorten(keywordToken.Text)}'");
                        continue;
                    }

                    var braceToken = _cur;
                    if (!Enter(braceToken))
                    {
                        continue;
                    }

                    Advance();
                    string keyword = keywordToken.Text!;
                    OrganismSection section;
                    if (keyword == DnaKeywords.Genome)
                    {
                        var (genes, genomeClosing) = ParseGenomeBody(braceToken);
                        string? trailing = TakeTrailingComment();
                        section = new GenomeSection(genes, Trivia.Of(pending, trailing), genomeClosing);
                    }
                    else
                    {
                        var body = ParseMapBody(braceToken, keyword, keyword, MapKind.Plain);
                        string? trailing = TakeTrailingComment();
                        section = new MapSection(keyword, body, Trivia.Of(pending, trailing));
                    }

                    _depth--;
                    pending = pending.Count == 0 ? pending : [];
                    if (Organism.IsKnownSection(keyword))
                    {
                        int previous = sections.FindIndex(s => s is not null && s.Keyword == keyword);
                        if (previous >= 0)
                        {
                            if (!_tolerant)
                            {
                                throw Error(keywordToken, $"duplicate section '{keyword}': expected each of DNA, GENOME, QUANTUM, PHENOME and CONSCIOUSNESS at most once");
                            }

                            sections[previous] = null;
                            Fix($"dedupe_section:{keyword}");
                        }
                    }

                    sections.Add(section);
                    continue;
                default:
                    Fail(_cur, $"expected a section ('KEYWORD {{ … }}') or '}}', found {_cur.Describe()}");
                    SkipToken();
                    continue;
            }
        }
    }

    private (List<Gene> Genes, List<string> Closing) ParseGenomeBody(Token open)
    {
        var genes = new List<Gene?>();
        var geneIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var pending = new List<string>();
        while (true)
        {
            switch (_cur.Kind)
            {
                case TokenKind.Comment:
                    pending.Add(_cur.Text!);
                    Advance();
                    continue;
                case TokenKind.RBrace:
                    Advance();
                    return (genes.OfType<Gene>().ToList(), pending);
                case TokenKind.Eof:
                    Unclosed(open, "GENOME");
                    return (genes.OfType<Gene>().ToList(), pending);
                case TokenKind.Identifier when _cur.Text == DnaKeywords.Gene:
                    var geneToken = _cur;
                    Advance();
                    if (_cur.Kind != TokenKind.Identifier)
                    {
                        Fail(_cur, "expected a gene name after 'GENE'");
                        continue;
                    }

                    string name = _cur.Text!;
                    Advance();
                    if (_cur.Kind != TokenKind.LBrace)
                    {
                        Fail(_cur, $"expected '{{' after 'GENE {Token.Shorten(name)}'");
                        continue;
                    }

                    var brace = _cur;
                    if (!Enter(brace))
                    {
                        continue;
                    }

                    Advance();
                    var gene = ParseGeneBody(brace, name, pending);
                    _depth--;
                    pending = pending.Count == 0 ? pending : [];
                    if (geneIndex.TryGetValue(name, out int previous))
                    {
                        if (!_tolerant)
                        {
                            throw Error(geneToken, $"duplicate gene '{name}': expected gene names to be unique");
                        }

                        genes[previous] = null;
                        Fix($"dedupe_gene:{name}");
                    }

                    geneIndex[name] = genes.Count;
                    genes.Add(gene);
                    continue;
                default:
                    Fail(_cur, $"expected 'GENE <Name> {{' or '}}', found {_cur.Describe()}");
                    SkipToken();
                    continue;
            }
        }
    }

    private Gene ParseGeneBody(Token open, string name, List<string> leading)
    {
        var properties = new MapBuilder(this, name, null, null, MapKind.Plain);
        MapBuilder? traits = null, mutations = null;
        Trivia? traitsTrivia = null, mutationsTrivia = null;
        List<string> traitsClosing = [], mutationsClosing = [];
        var pending = new List<string>();
        while (true)
        {
            switch (_cur.Kind)
            {
                case TokenKind.Comment:
                    pending.Add(_cur.Text!);
                    Advance();
                    continue;
                case TokenKind.RBrace:
                case TokenKind.Eof:
                    if (_cur.Kind == TokenKind.Eof)
                    {
                        Unclosed(open, $"GENE {name}");
                    }
                    else
                    {
                        Advance();
                    }

                    string? trailing = TakeTrailingComment();
                    return new Gene(
                        name,
                        traits?.Build(traitsClosing),
                        mutations?.Build(mutationsClosing),
                        properties.Build(pending),
                        Trivia.Of(leading, trailing),
                        traitsTrivia,
                        mutationsTrivia);
                case TokenKind.Identifier when _cur.Text is DnaKeywords.Traits or DnaKeywords.Mutations:
                    var blockToken = _cur;
                    bool isTraits = blockToken.Text == DnaKeywords.Traits;
                    Advance();
                    if (_cur.Kind == TokenKind.Colon)
                    {
                        Advance(); // 'TRAITS: {' is read as 'TRAITS {'
                    }

                    if (_cur.Kind != TokenKind.LBrace)
                    {
                        Fail(_cur, $"expected '{{' after '{blockToken.Text}', found {_cur.Describe()}");
                        continue;
                    }

                    var brace = _cur;
                    if (!Enter(brace))
                    {
                        continue;
                    }

                    Advance();
                    var target = isTraits ? traits : mutations;
                    if (target is not null)
                    {
                        if (!_tolerant)
                        {
                            throw Error(blockToken, $"duplicate {blockToken.Text} block in gene '{name}'");
                        }

                        Fix($"dedupe_block:{name}.{blockToken.Text}");
                    }

                    target ??= new MapBuilder(this, name, null, null, isTraits ? MapKind.Traits : MapKind.Plain);
                    var blockClosing = ParseMapEntries(brace, $"{blockToken.Text} of gene {name}", target);
                    var trivia = Trivia.Of(pending, TakeTrailingComment());
                    pending = pending.Count == 0 ? pending : [];
                    _depth--;
                    if (isTraits)
                    {
                        traits = target;
                        traitsTrivia = trivia;
                        traitsClosing.AddRange(blockClosing);
                    }
                    else
                    {
                        mutations = target;
                        mutationsTrivia = trivia;
                        mutationsClosing.AddRange(blockClosing);
                    }

                    continue;
                case TokenKind.Identifier:
                    ParseProperty(properties, pending);
                    pending = pending.Count == 0 ? pending : [];
                    continue;
                default:
                    Fail(_cur, $"expected a key, TRAITS, MUTATIONS or '}}' in gene '{name}', found {_cur.Describe()}");
                    SkipToken();
                    continue;
            }
        }
    }

    private PropertyMap ParseMapBody(Token open, string what, string path, MapKind kind)
    {
        var builder = new MapBuilder(this, path, null, null, kind);
        var closing = ParseMapEntries(open, what, builder);
        return builder.Build(closing);
    }

    private PropertyMap ParseNestedMapBody(Token open, MapBuilder owner, string key)
    {
        var builder = new MapBuilder(this, null, owner, key, MapKind.Plain);
        var closing = ParseMapEntries(open, null, builder);
        return builder.Build(closing);
    }

    /// <summary>Parses entries up to and including the closing brace; returns the closing comments.</summary>
    private List<string> ParseMapEntries(Token open, string? what, MapBuilder builder)
    {
        var pending = new List<string>();
        while (true)
        {
            switch (_cur.Kind)
            {
                case TokenKind.Comment when _listDepth > 0:
                    Fail(_cur, "comments are not allowed inside a list");
                    Advance();
                    continue;
                case TokenKind.Comment:
                    pending.Add(_cur.Text!);
                    Advance();
                    continue;
                case TokenKind.Comma when builder.Count > 0:
                    Advance(); // optional separator between entries
                    continue;
                case TokenKind.RBrace:
                    Advance();
                    return pending;
                case TokenKind.Eof:
                    Unclosed(open, what ?? builder.What);
                    return pending;
                case TokenKind.Identifier:
                    ParseProperty(builder, pending);
                    pending = pending.Count == 0 ? pending : [];
                    continue;
                default:
                    Fail(_cur, $"expected a key or '}}' in {what ?? builder.What}, found {_cur.Describe()}");
                    SkipToken();
                    continue;
            }
        }
    }

    private void ParseProperty(MapBuilder builder, List<string> leading)
    {
        var keyToken = _cur;
        string key = keyToken.Text!;
        Advance();
        TraitValue? value;
        _dropEntry = false;
        if (_cur.Kind == TokenKind.Colon)
        {
            Advance();
            value = ParseValue(builder, key);
        }
        else if (_cur.Kind == TokenKind.LBrace)
        {
            value = ParseMap(builder, key);
        }
        else
        {
            Fail(_cur, $"expected ':' after key '{Token.Shorten(key)}', found {_cur.Describe()}");
            return;
        }

        if (value is null)
        {
            if (_dropEntry)
            {
                Fix($"remove_nonfinite:{builder.Path}.{key}");
                _dropEntry = false;
            }

            return;
        }

        string? trailing = TakeTrailingComment();
        builder.Add(keyToken, new PropertyEntry(key, value, Trivia.Of(leading, trailing), trusted: true));
    }

    private MapTrait? ParseMap(MapBuilder owner, string key)
    {
        var brace = _cur;
        if (!Enter(brace))
        {
            return null;
        }

        Advance();
        var map = ParseNestedMapBody(brace, owner, key);
        _depth--;
        return new MapTrait(map);
    }

    private TraitValue? ParseValue(MapBuilder owner, string key)
    {
        var t = _cur;
        switch (t.Kind)
        {
            case TokenKind.Number:
                Advance();
                if (!CheckNumber(t))
                {
                    return null;
                }

                if (_cur.Kind == TokenKind.Identifier && _cur.Text == DnaKeywords.In && _lexer.Peek().Kind == TokenKind.LBracket)
                {
                    return ParseBounds(t);
                }

                return new NumberTrait(t.Number, t.IsInteger);
            case TokenKind.String:
                Advance();
                return new TextTrait(t.Text!);
            case TokenKind.Identifier when t.Text is "true" or "false":
                Advance();
                return new BooleanTrait(t.Text == "true");
            case TokenKind.LBracket:
                return ParseList(owner, key);
            case TokenKind.LBrace:
                return ParseMap(owner, key);
            default:
                Fail(t, $"expected a value (number, true, false, \"text\", [list] or {{map}}), found {t.Describe()}");
                if (t.Kind is not (TokenKind.RBrace or TokenKind.Eof or TokenKind.Comment or TokenKind.Identifier))
                {
                    SkipToken();
                }

                return null;
        }
    }

    private bool CheckNumber(Token t)
    {
        if (t.Problem == NumberProblem.None)
        {
            return true;
        }

        if (!_tolerant)
        {
            throw Error(t, t.Problem == NumberProblem.NotFinite
                ? "number is out of the range of a double: expected a finite number"
                : "integer is larger than 2^53 in magnitude: expected an integer in ±9007199254740992");
        }

        _dropEntry = true;
        return false;
    }

    private NumberTrait? ParseBounds(Token number)
    {
        Advance(); // 'in'
        if (_cur.Kind != TokenKind.LBracket)
        {
            Fail(_cur, "expected '[' after 'in'");
            return null;
        }

        Advance();
        if (!TryBound(out double? lo))
        {
            return null;
        }

        if (_cur.Kind != TokenKind.Comma)
        {
            Fail(_cur, "expected ',' between the bounds");
            return null;
        }

        Advance();
        if (!TryBound(out double? hi))
        {
            return null;
        }

        if (_cur.Kind != TokenKind.RBracket)
        {
            Fail(_cur, "expected ']' after the bounds");
            return null;
        }

        var close = _cur;
        Advance();
        if (lo is double a && hi is double b && a > b)
        {
            Fail(close, $"lower bound {a} exceeds upper bound {b}");
            return null;
        }

        return new NumberTrait(number.Number, number.IsInteger, lo, hi);
    }

    private bool TryBound(out double? bound)
    {
        bound = null;
        if (_cur.Kind == TokenKind.Star)
        {
            Advance();
            return true;
        }

        if (_cur.Kind == TokenKind.Number)
        {
            var t = _cur;
            Advance();
            if (!CheckNumber(t) && t.Problem == NumberProblem.NotFinite)
            {
                return false;
            }

            _dropEntry = false;
            bound = t.Number;
            return true;
        }

        Fail(_cur, $"expected a bound (a number or '*'), found {_cur.Describe()}");
        return false;
    }

    private ListTrait? ParseList(MapBuilder owner, string key)
    {
        var open = _cur;
        if (!Enter(open))
        {
            return null;
        }

        Advance();
        _listDepth++;
        var items = new List<TraitValue>();
        bool ok = true;
        while (true)
        {
            if (_cur.Kind == TokenKind.RBracket)
            {
                Advance();
                break;
            }

            if (_cur.Kind == TokenKind.Comment)
            {
                Fail(_cur, "comments are not allowed inside a list");
                Advance();
                continue;
            }

            if (_cur.Kind is TokenKind.Eof or TokenKind.RBrace)
            {
                if (!_tolerant)
                {
                    throw Error(_cur, $"expected ']' to close the list opened at {open.Line}:{open.Column}");
                }

                _lastFixWasSkip = false;
                Fix("balance_braces");
                break;
            }

            var item = ParseValue(owner, key);
            if (item is null)
            {
                ok = false;
                if (_cur.Kind == TokenKind.Identifier)
                {
                    Advance();
                }
            }
            else
            {
                items.Add(item);
            }

            if (_cur.Kind == TokenKind.Comma)
            {
                Advance();
            }
            else if (_cur.Kind is not (TokenKind.RBracket or TokenKind.Eof or TokenKind.RBrace or TokenKind.Comment))
            {
                Fail(_cur, $"expected ',' or ']' in a list, found {_cur.Describe()}");
                if (_cur.Kind is not (TokenKind.Comment or TokenKind.Identifier))
                {
                    SkipToken();
                }
            }
        }

        _depth--;
        _listDepth--;
        if (!ok && _dropEntry)
        {
            return null;
        }

        return new ListTrait(items);
    }

    /// <summary>Collects entries of one map, rejecting (strict) or resolving (tolerant, last wins) duplicate keys.</summary>
    private sealed class MapBuilder(DnaParser parser, string? basePath, MapBuilder? parent, string? key, MapKind kind)
    {
        private readonly List<PropertyEntry?> _entries = [];
        private Dictionary<string, int>? _index;
        private string? _path;
        private int _removed;

        public string Path => _path ??= parent is null ? basePath! : parent.Path + "." + key;

        public string What => key is null ? Path : $"map '{Path}'";

        public int Count => _entries.Count - _removed;

        public void Add(Token keyToken, PropertyEntry entry)
        {
            int previous = -1;
            if (_index is not null)
            {
                previous = _index.GetValueOrDefault(entry.Key, -1);
            }
            else
            {
                for (int i = 0; i < _entries.Count; i++)
                {
                    if (_entries[i] is { } e && e.Key == entry.Key)
                    {
                        previous = i;
                        break;
                    }
                }
            }

            if (previous >= 0)
            {
                string where = kind == MapKind.Traits ? $"trait '{entry.Key}' in gene '{Path}'" : $"key '{entry.Key}' in '{Path}'";
                if (!parser._tolerant)
                {
                    throw Error(keyToken, $"duplicate {where}: expected each key at most once");
                }

                _entries[previous] = null;
                _removed++;
                parser.Fix(kind == MapKind.Traits ? $"dedupe_trait:{Path}.{entry.Key}" : $"dedupe_key:{Path}.{entry.Key}");
            }

            if (_index is null && _entries.Count >= 8)
            {
                _index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int i = 0; i < _entries.Count; i++)
                {
                    if (_entries[i] is { } e)
                    {
                        _index[e.Key] = i;
                    }
                }
            }

            _index?[entry.Key] = _entries.Count;
            _entries.Add(entry);
        }

        public PropertyMap Build(List<string> closing)
        {
            var array = new PropertyEntry[Count];
            int n = 0;
            foreach (var e in _entries)
            {
                if (e is not null)
                {
                    array[n++] = e;
                }
            }

            return PropertyMap.CreateTrusted(array, closing);
        }
    }
}
