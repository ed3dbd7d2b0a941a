namespace QuantumLM.Organisms;

/// <summary>A top-level section of an organism: a <see cref="MapSection"/> or the <see cref="GenomeSection"/>.</summary>
public abstract record OrganismSection
{
    private protected OrganismSection(string keyword, Trivia? trivia)
    {
        Keyword = DnaNames.RequireIdentifier(keyword, nameof(keyword));
        Trivia = trivia ?? Trivia.None;
    }

    /// <summary>Gets the section keyword (<c>DNA</c>, <c>QUANTUM</c>, or any other identifier).</summary>
    public string Keyword { get; }

    /// <summary>Gets the comments of the section header.</summary>
    public Trivia Trivia { get; }
}

/// <summary>
/// A section whose body is a map: DNA, QUANTUM, PHENOME, CONSCIOUSNESS and every section this library does not know
/// (kept as it was parsed, in place).
/// </summary>
public sealed record MapSection : OrganismSection
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="keyword">The section keyword; not <c>GENOME</c>.</param>
    /// <param name="body">The entries.</param>
    /// <param name="trivia">The header comments.</param>
    public MapSection(string keyword, PropertyMap? body = null, Trivia? trivia = null)
        : base(keyword, trivia)
    {
        if (keyword == DnaKeywords.Genome)
        {
            throw new ArgumentException("GENOME is a GenomeSection.", nameof(keyword));
        }

        Body = body ?? PropertyMap.Empty;
    }

    /// <summary>Gets the entries.</summary>
    public PropertyMap Body { get; }
}

/// <summary>The GENOME section: the ordered genes, names unique.</summary>
public sealed record GenomeSection : OrganismSection
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="genes">The genes in order; names must be unique.</param>
    /// <param name="trivia">The header comments.</param>
    /// <param name="closingComments">Comment lines before the closing brace.</param>
    /// <exception cref="ArgumentException">Two genes have the same name.</exception>
    public GenomeSection(IEnumerable<Gene>? genes = null, Trivia? trivia = null, IEnumerable<string>? closingComments = null)
        : base(DnaKeywords.Genome, trivia)
    {
        Genes = ValueList<Gene>.From(genes);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in Genes)
        {
            ArgumentNullException.ThrowIfNull(g, nameof(genes));
            if (!names.Add(g.Name))
            {
                throw new ArgumentException($"Duplicate gene '{g.Name}'.", nameof(genes));
            }
        }

        ClosingComments = DnaNames.RequireComments(closingComments, nameof(closingComments));
    }

    /// <summary>Gets the genes in order.</summary>
    public IReadOnlyList<Gene> Genes { get; }

    /// <summary>Gets the comment lines before the closing brace.</summary>
    public IReadOnlyList<string> ClosingComments { get; }

    /// <summary>Returns this section with other genes.</summary>
    /// <param name="genes">The genes.</param>
    /// <returns>The new section.</returns>
    public GenomeSection WithGenes(IEnumerable<Gene> genes) => new(genes, Trivia, ClosingComments);
}

/// <summary>
/// A DNALang organism: <c>ORGANISM Name { DNA { … } GENOME { GENE … } QUANTUM { … } PHENOME { … } CONSCIOUSNESS { … } … }</c>.
/// Immutable and compared by content. Parse one with <see cref="DnaText.Parse(string, DnaParseOptions?)"/> and write it
/// with <see cref="DnaText.Serialize(Organism)"/>.
/// </summary>
public sealed record Organism
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="name">The organism name, a DNALang identifier.</param>
    /// <param name="sections">The sections in order. Known keywords (DNA, GENOME, QUANTUM, PHENOME, CONSCIOUSNESS) may appear once each; other sections any number of times.</param>
    /// <param name="trivia">Comment lines above the <c>ORGANISM</c> line.</param>
    /// <param name="closingComments">Comment lines before the organism's closing brace.</param>
    /// <param name="trailingComments">Comment lines after the organism's closing brace.</param>
    /// <exception cref="ArgumentException">A known section appears twice.</exception>
    public Organism(string name, IEnumerable<OrganismSection>? sections = null, Trivia? trivia = null, IEnumerable<string>? closingComments = null, IEnumerable<string>? trailingComments = null)
    {
        Name = DnaNames.RequireIdentifier(name, nameof(name));
        Sections = ValueList<OrganismSection>.From(sections);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in Sections)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(sections));
            if (IsKnownSection(s.Keyword) && !seen.Add(s.Keyword))
            {
                throw new ArgumentException($"Duplicate section '{s.Keyword}'.", nameof(sections));
            }
        }

        Trivia = trivia ?? Trivia.None;
        ClosingComments = DnaNames.RequireComments(closingComments, nameof(closingComments));
        TrailingComments = DnaNames.RequireComments(trailingComments, nameof(trailingComments));
    }

    /// <summary>Gets the organism name.</summary>
    public string Name { get; }

    /// <summary>Gets the sections in order.</summary>
    public IReadOnlyList<OrganismSection> Sections { get; }

    /// <summary>Gets the comment lines above the <c>ORGANISM</c> line (only <see cref="Trivia.LeadingComments"/> is used).</summary>
    public Trivia Trivia { get; }

    /// <summary>Gets the comment lines before the closing brace.</summary>
    public IReadOnlyList<string> ClosingComments { get; }

    /// <summary>Gets the comment lines after the closing brace.</summary>
    public IReadOnlyList<string> TrailingComments { get; }

    /// <summary>Gets the DNA section, or <see langword="null"/>.</summary>
    public MapSection? Dna => FindMap(DnaKeywords.Dna);

    /// <summary>Gets the GENOME section, or <see langword="null"/>.</summary>
    public GenomeSection? Genome => Sections.OfType<GenomeSection>().FirstOrDefault();

    /// <summary>Gets the QUANTUM section, or <see langword="null"/>.</summary>
    public MapSection? Quantum => FindMap(DnaKeywords.Quantum);

    /// <summary>Gets the PHENOME section, or <see langword="null"/>.</summary>
    public MapSection? Phenome => FindMap(DnaKeywords.Phenome);

    /// <summary>Gets the CONSCIOUSNESS section, or <see langword="null"/>.</summary>
    public MapSection? Consciousness => FindMap(DnaKeywords.Consciousness);

    /// <summary>Gets the sections this library does not interpret, in order.</summary>
    public IReadOnlyList<OrganismSection> OtherSections => Sections.Where(static s => !IsKnownSection(s.Keyword)).ToArray();

    /// <summary>Gets the genes (empty when there is no GENOME section).</summary>
    public IReadOnlyList<Gene> Genes => Genome?.Genes ?? ValueList<Gene>.Empty;

    /// <summary>Returns whether the keyword is one of the five sections this library interprets.</summary>
    /// <param name="keyword">The keyword.</param>
    /// <returns><see langword="true"/> for DNA, GENOME, QUANTUM, PHENOME and CONSCIOUSNESS.</returns>
    public static bool IsKnownSection(string keyword) =>
        keyword is DnaKeywords.Dna or DnaKeywords.Genome or DnaKeywords.Quantum or DnaKeywords.Phenome or DnaKeywords.Consciousness;

    /// <summary>Returns this organism with other genes: the GENOME section's genes are replaced, or a GENOME section is appended.</summary>
    /// <param name="genes">The genes.</param>
    /// <returns>The new organism.</returns>
    public Organism WithGenes(IEnumerable<Gene> genes)
    {
        ArgumentNullException.ThrowIfNull(genes);
        var genome = Genome;
        return genome is null
            ? WithSections(Sections.Append(new GenomeSection(genes)))
            : WithSections(Sections.Select(s => ReferenceEquals(s, genome) ? genome.WithGenes(genes) : s));
    }

    /// <summary>Returns this organism with other sections, keeping name and comments.</summary>
    /// <param name="sections">The sections.</param>
    /// <returns>The new organism.</returns>
    public Organism WithSections(IEnumerable<OrganismSection> sections) => new(Name, sections, Trivia, ClosingComments, TrailingComments);

    private MapSection? FindMap(string keyword) => Sections.OfType<MapSection>().FirstOrDefault(s => s.Keyword == keyword);
}
