namespace QuantumLM.Organisms;

/// <summary>
/// A gene of the GENOME section: <c>GENE Name { purpose: "…"  TRAITS { … }  MUTATIONS { rule { trigger: "…" action: "…" } } }</c>.
/// </summary>
public sealed record Gene
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="name">The gene name, a DNALang identifier (unique within a genome).</param>
    /// <param name="traits">The TRAITS block, in order.</param>
    /// <param name="mutations">The MUTATIONS block: each rule is an entry whose value is a <see cref="MapTrait"/> (written <c>rule { … }</c>).</param>
    /// <param name="properties">The gene's other entries (<c>purpose</c> and any unknown ones); its <see cref="PropertyMap.ClosingComments"/> are the comments before the gene's closing brace.</param>
    /// <param name="trivia">Comments of the <c>GENE</c> line.</param>
    /// <param name="traitsTrivia">Comments of the <c>TRAITS</c> block header.</param>
    /// <param name="mutationsTrivia">Comments of the <c>MUTATIONS</c> block header.</param>
    public Gene(string name, PropertyMap? traits = null, PropertyMap? mutations = null, PropertyMap? properties = null, Trivia? trivia = null, Trivia? traitsTrivia = null, Trivia? mutationsTrivia = null)
    {
        Name = DnaNames.RequireIdentifier(name, nameof(name));
        Traits = traits ?? PropertyMap.Empty;
        Mutations = mutations ?? PropertyMap.Empty;
        Properties = properties ?? PropertyMap.Empty;
        if (Properties.ContainsKey(DnaKeywords.Traits) || Properties.ContainsKey(DnaKeywords.Mutations))
        {
            throw new ArgumentException("TRAITS and MUTATIONS are blocks of their own, not properties.", nameof(properties));
        }

        Trivia = trivia ?? Trivia.None;
        TraitsTrivia = traitsTrivia ?? Trivia.None;
        MutationsTrivia = mutationsTrivia ?? Trivia.None;
    }

    /// <summary>Gets the gene name.</summary>
    public string Name { get; }

    /// <summary>Gets the traits in order.</summary>
    public PropertyMap Traits { get; }

    /// <summary>Gets the mutation rules (rule name → map with <c>trigger</c> and <c>action</c>).</summary>
    public PropertyMap Mutations { get; }

    /// <summary>Gets the gene's other entries, <c>purpose</c> among them.</summary>
    public PropertyMap Properties { get; }

    /// <summary>Gets the comments of the <c>GENE</c> line.</summary>
    public Trivia Trivia { get; }

    /// <summary>Gets the comments of the <c>TRAITS</c> header.</summary>
    public Trivia TraitsTrivia { get; }

    /// <summary>Gets the comments of the <c>MUTATIONS</c> header.</summary>
    public Trivia MutationsTrivia { get; }

    /// <summary>Gets the <c>purpose</c> text, or <see langword="null"/> when absent or not a string.</summary>
    public string? Purpose => Properties.TryGetValue("purpose", out var v) && v is TextTrait t ? t.Value : null;

    /// <summary>Gets the mutation rules as typed values.</summary>
    public IReadOnlyList<MutationRule> MutationRules =>
        Mutations.Select(static e => e.Value is MapTrait m
            ? new MutationRule(e.Key, m.Map.TryGetValue("trigger", out var t) && t is TextTrait tt ? tt.Value : null, m.Map.TryGetValue("action", out var a) && a is TextTrait at ? at.Value : null)
            : new MutationRule(e.Key, null, null)).ToArray();

    /// <summary>Returns this gene with other traits.</summary>
    /// <param name="traits">The traits.</param>
    /// <returns>The new gene.</returns>
    public Gene WithTraits(PropertyMap traits) => new(Name, traits, Mutations, Properties, Trivia, TraitsTrivia, MutationsTrivia);

    /// <summary>Returns this gene with other mutation rules.</summary>
    /// <param name="mutations">The rules.</param>
    /// <returns>The new gene.</returns>
    public Gene WithMutations(PropertyMap mutations) => new(Name, Traits, mutations, Properties, Trivia, TraitsTrivia, MutationsTrivia);
}

/// <summary>A typed view of one mutation rule.</summary>
/// <param name="Name">The rule name.</param>
/// <param name="Trigger">The <c>trigger</c> text, when present.</param>
/// <param name="Action">The <c>action</c> text, when present.</param>
public sealed record MutationRule(string Name, string? Trigger, string? Action);
