using FsCheck;
using FsCheck.Fluent;
using QuantumLM.Organisms;

namespace QuantumLM.Organisms.Tests;

/// <summary>FsCheck generators of valid genome models (every shape the model allows, comments included).</summary>
internal static class Generators
{
    private static readonly char[] IdentStart = "abcxyzABCQ_".ToCharArray();
    private static readonly char[] IdentPart = "abz09_-.QZ".ToCharArray();

    public static Gen<string> Identifier { get; } =
        from first in Gen.Elements(IdentStart)
        from rest in Gen.ArrayOf(Gen.Elements(IdentPart), 0).Resize(6)
        let s = first + new string(rest)
        select s;

    public static Gen<string> Key { get; } =
        Gen.Frequency(
            (4, Identifier),
            (1, Gen.Elements("purpose", "true", "in", "GENE", "trigger", "action", "creativity_index", "lambda_phi")));

    public static Gen<char> AnyChar { get; } = Gen.Frequency(
        (6, Gen.Elements("abc XYZ 019 ".ToCharArray())),
        (2, Gen.Elements('"', '\\', '#', '{', '}', '[', ']', ':', ',', '*', '/')),
        (1, Gen.Elements('\n', '\r', '\t', '\0', '\u007f', '\u0001')),
        (1, Gen.Elements('é', 'Φ', 'Λ', '中', '\u2028', '\u0085', '\uFEFF')),
        (1, Gen.Elements('\uD800', '\uDC00', '\uD83D')));

    public static Gen<string> Text { get; } = Gen.ArrayOf(AnyChar).Resize(12).Select(static a => new string(a));

    public static Gen<string> CommentText { get; } =
        Gen.ArrayOf(AnyChar.Where(static c => c is not ('\n' or '\r') && !char.IsSurrogate(c))).Resize(10).Select(static a => new string(a));

    public static Gen<double> Real { get; } = Gen.Frequency(
        (6, from m in Gen.Choose(-1_000_000, 1_000_000) from e in Gen.Choose(-12, 12) select m * Math.Pow(10, e)),
        (2, from m in Gen.Choose(0, 1000) select m / 1000.0),
        (1, Gen.Elements(0.0, -0.0, 2.176435e-8, 1e300, -1e-300, 5e-324, double.MaxValue, 0.1 + 0.2, 1e21, 123456789012345680000.0)));

    public static Gen<double> Integer { get; } = Gen.Frequency(
        (6, Gen.Choose(-1000, 1000).Select(static i => (double)i)),
        (1, Gen.Elements(NumberTrait.MaxSafeInteger, -NumberTrait.MaxSafeInteger, 1e15, 0.0)));

    public static Gen<NumberTrait> Number { get; } =
        from isInt in Gen.Elements(true, false)
        from v in isInt ? Integer : Real
        from boundKind in Gen.Choose(0, 4)
        from a in Real
        from b in Real
        let lo = Math.Min(a, b)
        let hi = Math.Max(a, b)
        select boundKind switch
        {
            1 => new NumberTrait(v, isInt, lo, hi),
            2 => new NumberTrait(v, isInt, lo, null),
            3 => new NumberTrait(v, isInt, null, hi),
            _ => new NumberTrait(v, isInt),
        };

    public static Gen<Trivia> Trivia { get; } = Gen.Frequency(
        (5, Gen.Constant(Organisms.Trivia.None)),
        (1, from lead in Gen.ListOf(CommentText, 2)
            from trail in Gen.OneOf(Gen.Constant<string?>(null), CommentText.Select(static c => (string?)c))
            select new Trivia(lead, trail)));

    public static Gen<IReadOnlyList<string>> Comments { get; } = Gen.Frequency(
        (4, Gen.Constant<IReadOnlyList<string>>([])),
        (1, Gen.ListOf(CommentText, 2).Select(static l => (IReadOnlyList<string>)l.ToList())));

    public static Gen<TraitValue> Value(int depth, bool allowComments) =>
        depth <= 0
            ? Scalar
            : Gen.Frequency(
                (6, Scalar),
                (1, Gen.ListOf(Value(depth - 1, allowComments: false), 3).Select(static l => (TraitValue)new ListTrait(l))),
                (1, Map(depth - 1, allowComments).Select(static m => (TraitValue)new MapTrait(m))));

    public static Gen<TraitValue> Scalar { get; } = Gen.Frequency(
        (3, Number.Select(static n => (TraitValue)n)),
        (1, Gen.Elements(true, false).Select(static b => (TraitValue)new BooleanTrait(b))),
        (2, Text.Select(static t => (TraitValue)new TextTrait(t))));

    public static Gen<PropertyMap> Map(int depth, bool allowComments, Gen<string>? keys = null) =>
        from entries in Gen.ListOf(
            from k in keys ?? Key
            from v in Value(depth, allowComments)
            from t in allowComments ? Trivia : Gen.Constant(Organisms.Trivia.None)
            select new PropertyEntry(k, v, t), 4)
        from closing in allowComments ? Comments : Gen.Constant<IReadOnlyList<string>>([])
        select new PropertyMap(entries.DistinctBy(static e => e.Key), closing);

    public static Gen<Gene> Gene { get; } =
        from name in Identifier
        from traits in Map(1, allowComments: true)
        from mutations in Map(2, allowComments: true)
        from props in Map(1, allowComments: true, Key.Where(static k => k is not ("TRAITS" or "MUTATIONS")))
        from purpose in Gen.OneOf(Gen.Constant<string?>(null), Text.Select(static t => (string?)t))
        from t1 in Trivia
        from t2 in Trivia
        from t3 in Trivia
        select new Gene(name, traits, mutations, purpose is null ? props : props.With("purpose", new TextTrait(purpose)), t1, t2, t3);

    public static Gen<OrganismSection> Section { get; } = Gen.Frequency(
        (3, from kw in Gen.Elements("DNA", "QUANTUM", "PHENOME", "CONSCIOUSNESS", "AUTOPOIESIS", "custom_section", "GENE")
            from body in Map(2, allowComments: true)
            from t in Trivia
            select (OrganismSection)new MapSection(kw, body, t)),
        (2, from genes in Gen.ListOf(Gene, 4)
            from t in Trivia
            from closing in Comments
            select (OrganismSection)new GenomeSection(genes.DistinctBy(static g => g.Name), t, closing)));

    public static Gen<Organism> Organism { get; } =
        from name in Identifier
        from sections in Gen.ListOf(Section, 5)
        from lead in Comments
        from closing in Comments
        from trailing in Comments
        select new Organism(
            name,
            sections.Where(static s => !Organisms.Organism.IsKnownSection(s.Keyword)).Concat(sections.Where(static s => Organisms.Organism.IsKnownSection(s.Keyword)).DistinctBy(static s => s.Keyword)).OrderBy(static s => s.Keyword.Length),
            new Trivia(lead),
            closing,
            trailing);

    /// <summary>Organisms with a GENOME of numeric-heavy genes, for operator properties.</summary>
    public static Gen<Organism> GenomeOrganism { get; } =
        from name in Identifier
        from genes in Gen.ListOf(
            from gname in Identifier
            from traits in Gen.ListOf(
                from k in Identifier
                from v in Gen.Frequency((5, Number.Select(static n => (TraitValue)n)), (1, Scalar))
                select new PropertyEntry(k, v), 6)
            select new Gene(gname, new PropertyMap(traits.DistinctBy(static e => e.Key))), 5)
        select new Organism(name, [new MapSection("DNA", PropertyMap.Create(("name", new TextTrait(name)))), new GenomeSection(genes.DistinctBy(static g => g.Name)), new MapSection("QUANTUM")]);
}
