using System.Text.Json;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Ibm.Results;

/// <summary>
/// Decodes the body of <c>GET /jobs/{id}/results</c> of a SamplerV2 job in either encoding (ibm-runtime.md §3.6): plain
/// JSON hexadecimal samples, or Qiskit's typed JSON with zlib + base64 <c>.npy</c> BitArrays.
/// </summary>
internal static class IbmResultDecoder
{
    /// <summary>The default limit on the decoded size of one register array (256 MiB).</summary>
    public const long DefaultMaxArrayBytes = 256L * 1024 * 1024;

    private static readonly JsonDocumentOptions s_documentOptions = new() { MaxDepth = 64 };

    public static IbmSamplerResult Decode(string json, long maxArrayBytes = DefaultMaxArrayBytes)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, s_documentOptions);
        }
        catch (JsonException ex)
        {
            throw NpyArray.Fail("body", $"is not valid JSON ({ex.Message})");
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw NpyArray.Fail("body", $"is a JSON {root.ValueKind} but an object was expected");
            }

            if (root.TryGetProperty("__type__", out JsonElement type))
            {
                if (type.ValueKind != JsonValueKind.String || type.GetString() != "PrimitiveResult")
                {
                    throw NpyArray.Fail("__type__", $"is {type.GetRawText()} but a SamplerV2 result is a \"PrimitiveResult\"");
                }

                return DecodeQiskit(Value(root, "body"), maxArrayBytes);
            }

            if (root.TryGetProperty("results", out JsonElement results))
            {
                return DecodePlain(results, maxArrayBytes);
            }

            throw NpyArray.Fail("body", "has neither \"results\" (plain JSON) nor \"__type__\": \"PrimitiveResult\" (Qiskit encoding)");
        }
    }

    private static IbmSamplerResult DecodePlain(JsonElement results, long maxArrayBytes)
    {
        if (results.ValueKind != JsonValueKind.Array)
        {
            throw NpyArray.Fail("results", "is not an array");
        }

        var pubs = new List<IbmSamplerPubResult>();
        int p = 0;
        foreach (JsonElement pub in results.EnumerateArray())
        {
            string where = $"results[{p}]";
            JsonElement data = Property(pub, "data", where, JsonValueKind.Object);
            var registers = new List<RegisterSamples>();
            foreach (JsonProperty field in data.EnumerateObject())
            {
                string fw = $"{where}.data.{field.Name}";
                if (field.Value.ValueKind != JsonValueKind.Object || !field.Value.TryGetProperty("samples", out _))
                {
                    continue; // not a classical register (for example an ndarray field); registers have samples
                }

                int numBits = NumBits(field.Value, fw);
                JsonElement samples = Property(field.Value, "samples", fw, JsonValueKind.Array);
                registers.Add(ParseHexSamples(field.Name, numBits, samples, fw + ".samples", maxArrayBytes));
            }

            pubs.Add(Build(registers, where));
            p++;
        }

        return new IbmSamplerResult(pubs, IbmResultEncoding.PlainJson);
    }

    private static IbmSamplerResult DecodeQiskit(JsonElement value, long maxArrayBytes)
    {
        JsonElement pubResults = Property(value, "pub_results", "__value__", JsonValueKind.Array);
        var pubs = new List<IbmSamplerPubResult>();
        int p = 0;
        foreach (JsonElement pub in pubResults.EnumerateArray())
        {
            string where = $"pub_results[{p}]";
            JsonElement pubValue = Typed(pub, where, "SamplerPubResult", "PubResult");
            JsonElement dataBin = Typed(Property(pubValue, "data", where, JsonValueKind.Object), where + ".data", "DataBin");
            JsonElement fields = Property(dataBin, "fields", where + ".data", JsonValueKind.Object);
            var order = new List<string>();
            if (dataBin.TryGetProperty("field_names", out JsonElement names) && names.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement n in names.EnumerateArray())
                {
                    if (n.ValueKind == JsonValueKind.String)
                    {
                        order.Add(n.GetString()!);
                    }
                }
            }
            else
            {
                foreach (JsonProperty f in fields.EnumerateObject())
                {
                    order.Add(f.Name);
                }
            }

            var registers = new List<RegisterSamples>();
            foreach (string name in order)
            {
                string fw = $"{where}.data.{name}";
                if (!fields.TryGetProperty(name, out JsonElement field))
                {
                    throw NpyArray.Fail(fw, $"field_names lists '{name}' but fields has no such entry");
                }

                if (field.ValueKind != JsonValueKind.Object || !field.TryGetProperty("__type__", out JsonElement t) || t.GetString() != "BitArray")
                {
                    continue; // only BitArray fields are classical registers
                }

                JsonElement bitArray = Value(field, fw);
                int numBits = NumBits(bitArray, fw);
                JsonElement array = Typed(Property(bitArray, "array", fw, JsonValueKind.Object), fw + ".array", "ndarray");
                if (array.ValueKind != JsonValueKind.String)
                {
                    throw NpyArray.Fail(fw + ".array", "the ndarray value is not a base64 string");
                }

                NpyArray npy = NpyArray.DecodeCompressed(array.GetString()!, maxArrayBytes, fw + ".array");
                registers.Add(FromBitArray(name, numBits, npy, fw + ".array"));
            }

            pubs.Add(Build(registers, where));
            p++;
        }

        return new IbmSamplerResult(pubs, IbmResultEncoding.Qiskit);
    }

    private static RegisterSamples FromBitArray(string name, int numBits, NpyArray npy, string where)
    {
        if (npy.Descr is not ("|u1" or "u1" or "<u1" or ">u1" or "=u1"))
        {
            throw NpyArray.Fail(where, $"a BitArray must be uint8 ('|u1') but the array has dtype '{npy.Descr}'");
        }

        int bytesPerShot = (numBits + 7) / 8;
        if (npy.Shape.Count < 2 || npy.Shape[^1] != bytesPerShot)
        {
            throw NpyArray.Fail(where, $"a BitArray of {numBits} bits has shape (..., shots, {bytesPerShot}) but the array has shape ({string.Join(", ", npy.Shape)})");
        }

        long shots = npy.Data.LongLength / bytesPerShot;
        if (shots > int.MaxValue)
        {
            throw NpyArray.Fail(where, $"{shots} shots exceed the supported maximum");
        }

        return new RegisterSamples(name, numBits, (int)shots, npy.Data);
    }

    private static RegisterSamples ParseHexSamples(string name, int numBits, JsonElement samples, string where, long maxArrayBytes)
    {
        int bytesPerShot = (numBits + 7) / 8;
        var flat = new List<JsonElement>();
        Flatten(samples, flat, where, 0);
        if ((long)flat.Count * bytesPerShot > maxArrayBytes)
        {
            throw NpyArray.Fail(where, $"{flat.Count} samples of {numBits} bits exceed the limit of {maxArrayBytes} bytes");
        }

        byte[] rows = new byte[flat.Count * bytesPerShot];
        for (int s = 0; s < flat.Count; s++)
        {
            JsonElement e = flat[s];
            if (e.ValueKind != JsonValueKind.String)
            {
                throw NpyArray.Fail($"{where}[{s}]", $"is a JSON {e.ValueKind} but samples are hexadecimal strings such as \"0x3\"");
            }

            ParseHex(e.GetString()!, rows.AsSpan(s * bytesPerShot, bytesPerShot), numBits, $"{where}[{s}]");
        }

        return new RegisterSamples(name, numBits, flat.Count, rows);
    }

    private static void Flatten(JsonElement e, List<JsonElement> into, string where, int depth)
    {
        if (depth > 32)
        {
            throw NpyArray.Fail(where, "samples are nested more than 32 levels deep");
        }

        foreach (JsonElement item in e.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array)
            {
                Flatten(item, into, where, depth + 1);
            }
            else
            {
                into.Add(item);
            }
        }
    }

    /// <summary>Parses <c>0x…</c> into a big-endian row of <paramref name="row"/>.Length bytes, refusing values of more than <paramref name="numBits"/> bits.</summary>
    internal static void ParseHex(string text, Span<byte> row, int numBits, string where)
    {
        if (text.Length < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
        {
            throw NpyArray.Fail(where, $"sample \"{Short(text)}\" is not a 0x-prefixed hexadecimal integer");
        }

        row.Clear();
        int bit = 0; // bit position of the current digit's lowest bit
        for (int i = text.Length - 1; i >= 2; i--, bit += 4)
        {
            int v = text[i] switch
            {
                >= '0' and <= '9' => text[i] - '0',
                >= 'a' and <= 'f' => text[i] - 'a' + 10,
                >= 'A' and <= 'F' => text[i] - 'A' + 10,
                _ => -1,
            };
            if (v < 0)
            {
                throw NpyArray.Fail(where, $"sample \"{Short(text)}\" has invalid character '{text[i]}' at position {i}");
            }

            if (v == 0)
            {
                continue;
            }

            int highest = bit + 3 - int.LeadingZeroCount(v) + 28; // index of the highest set bit of this digit
            if (highest >= numBits)
            {
                throw NpyArray.Fail(where, $"sample \"{Short(text)}\" does not fit in num_bits = {numBits}");
            }

            int byteIndex = row.Length - 1 - (bit / 8);
            row[byteIndex] |= (byte)(v << (bit % 8));
        }
    }

    private static IbmSamplerPubResult Build(List<RegisterSamples> registers, string where)
    {
        if (registers.Count == 0)
        {
            throw NpyArray.Fail(where, "has no classical register (the circuit measured nothing)");
        }

        var names = new List<string>(registers.Count);
        var perRegister = new Dictionary<string, Counts>(StringComparer.Ordinal);
        foreach (var r in registers)
        {
            if (perRegister.ContainsKey(r.Name))
            {
                throw NpyArray.Fail(where, $"register '{r.Name}' appears twice");
            }

            names.Add(r.Name);
            perRegister[r.Name] = BitRowCounter.Count(r);
        }

        Counts combined;
        if (registers.Count == 1)
        {
            combined = perRegister[registers[0].Name];
        }
        else
        {
            var leftToRight = new List<RegisterSamples>(registers);
            leftToRight.Reverse();
            combined = BitRowCounter.CountComposite(leftToRight);
        }

        return new IbmSamplerPubResult { RegisterNames = names, RegisterCounts = perRegister, Counts = combined, Shots = registers[0].Shots };
    }

    private static int NumBits(JsonElement e, string where)
    {
        if (!e.TryGetProperty("num_bits", out JsonElement nb) || nb.ValueKind != JsonValueKind.Number || !nb.TryGetInt32(out int n))
        {
            throw NpyArray.Fail(where, "lacks an integer \"num_bits\"");
        }

        if (n < 1 || n > BitKey.MaxWidth)
        {
            throw NpyArray.Fail(where, $"num_bits = {n} is outside 1..{BitKey.MaxWidth}");
        }

        return n;
    }

    private static JsonElement Typed(JsonElement e, string where, params string[] types)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("__type__", out JsonElement t) || t.ValueKind != JsonValueKind.String)
        {
            throw NpyArray.Fail(where, $"is not a typed value {{\"__type__\": \"{types[0]}\", \"__value__\": …}}");
        }

        string actual = t.GetString()!;
        if (Array.IndexOf(types, actual) < 0)
        {
            throw NpyArray.Fail(where, $"has __type__ \"{Short(actual)}\" but \"{types[0]}\" was expected");
        }

        return Value(e, where);
    }

    private static JsonElement Value(JsonElement e, string where) =>
        e.TryGetProperty("__value__", out JsonElement v) ? v : throw NpyArray.Fail(where, "lacks \"__value__\"");

    private static JsonElement Property(JsonElement e, string name, string where, JsonValueKind kind)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw NpyArray.Fail(where, $"is a JSON {e.ValueKind} but an object was expected");
        }

        if (!e.TryGetProperty(name, out JsonElement v))
        {
            throw NpyArray.Fail(where, $"lacks \"{name}\"");
        }

        if (v.ValueKind != kind)
        {
            throw NpyArray.Fail($"{where}.{name}", $"is a JSON {v.ValueKind} but {kind} was expected");
        }

        return v;
    }

    private static string Short(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 37), "...");
}
