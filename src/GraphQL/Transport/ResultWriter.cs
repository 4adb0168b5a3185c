using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using CrowNest.GraphQL.Execution;

namespace CrowNest.GraphQL.Transport;

/// <summary>
/// Serializes <see cref="ExecutionResult"/> with <see cref="Utf8JsonWriter"/> (no reflection): <c>errors</c> first, then
/// <c>data</c> (only when execution started), then <c>extensions</c>.
/// </summary>
public static class ResultWriter
{
    /// <summary>Writer options: no indentation, no validation, and escaping like JavaScript's <c>JSON.stringify</c> (non-ASCII kept).</summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    // A cached writer is parked on this buffer between uses so it never holds on to a caller's buffer.
    private static readonly ArrayBufferWriter<byte> Detached = new(1);

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Writes <paramref name="result"/> into <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, ExecutionResult result)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        if (FastResultWriter.CanWrite(result))
        {
            // Data-only results (the common case) are written as raw UTF-8 without per-token writer bookkeeping.
            FastResultWriter.Write(output, result);
            return;
        }

        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(output, WriterOptions);
        }
        else
        {
            writer.Reset(output);
        }

        try
        {
            Write(writer, result);
            writer.Flush();
        }
        finally
        {
            writer.Reset(Detached);
        }
    }

    /// <summary>Serializes <paramref name="result"/> to UTF-8 JSON bytes.</summary>
    public static byte[] ToUtf8Bytes(ExecutionResult result)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, result);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Serializes <paramref name="result"/> to a JSON string.</summary>
    public static string ToJson(ExecutionResult result)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, result);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes <paramref name="result"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, ExecutionResult result)
    {
        writer.WriteStartObject();
        if (result.Errors is { Count: > 0 } errors)
        {
            writer.WritePropertyName("errors"u8);
            writer.WriteStartArray();
            foreach (var error in errors)
            {
                WriteError(writer, error);
            }

            writer.WriteEndArray();
        }

        if (result.HasData || result.Data is not null)
        {
            writer.WritePropertyName("data"u8);
            if (result.PreparedData is { HasJson: true } prepared && !writer.Options.Indented && ReferenceEquals(writer.Options.Encoder, WriterOptions.Encoder))
            {
                // Written by the executor with this writer's encoding (see FastResultWriter): the same bytes.
                writer.WriteRawValue(prepared.Json, skipInputValidation: true);
            }
            else
            {
                WriteValue(writer, result.Data);
            }
        }

        if (result.Extensions is { Count: > 0 } extensions)
        {
            writer.WritePropertyName("extensions"u8);
            WriteValue(writer, extensions);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes one error: <c>message</c>, <c>locations</c>, <c>path</c>, <c>extensions</c>.</summary>
    public static void WriteError(Utf8JsonWriter writer, GraphQLError error)
    {
        writer.WriteStartObject();
        writer.WriteString("message"u8, error.Message);
        if (error.Locations is { Count: > 0 } locations)
        {
            writer.WritePropertyName("locations"u8);
            writer.WriteStartArray();
            foreach (var location in locations)
            {
                writer.WriteStartObject();
                writer.WriteNumber("line"u8, location.Line);
                writer.WriteNumber("column"u8, location.Column);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (error.Path is { Count: > 0 } path)
        {
            writer.WritePropertyName("path"u8);
            writer.WriteStartArray();
            foreach (var segment in path)
            {
                if (segment is int index)
                {
                    writer.WriteNumberValue(index);
                }
                else
                {
                    writer.WriteStringValue(segment.ToString());
                }
            }

            writer.WriteEndArray();
        }

        if (error.Extensions is { Count: > 0 } extensions)
        {
            writer.WritePropertyName("extensions"u8);
            WriteValue(writer, extensions);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes any value an execution result can hold (maps in order, lists, leaves, <see cref="JsonElement"/>).</summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        // Ordered by frequency in execution results: objects, strings, lists first.
        switch (value)
        {
            case ResultMap resultMap:
                writer.WriteStartObject();
                if (resultMap.EncodedKeys is { } encodedKeys)
                {
                    // Executor-built maps carry their keys pre-encoded: no per-object escaping or transcoding of names.
                    for (var index = 0; index < encodedKeys.Length; index++)
                    {
                        writer.WritePropertyName(encodedKeys[index]);
                        WriteValue(writer, resultMap.GetValue(index));
                    }
                }
                else
                {
                    for (var index = 0; index < resultMap.Count; index++)
                    {
                        writer.WritePropertyName(resultMap.GetKey(index));
                        WriteValue(writer, resultMap.GetValue(index));
                    }
                }

                writer.WriteEndObject();
                break;
            case null:
                writer.WriteNullValue();
                break;
            case object?[] array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                WriteDouble(writer, d);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case float f:
                WriteDouble(writer, f);
                break;
            case short or byte or sbyte or ushort:
                writer.WriteNumberValue(Convert.ToInt32(value, CultureInfo.InvariantCulture));
                break;
            case uint ui:
                writer.WriteNumberValue(ui);
                break;
            case ulong ul:
                writer.WriteNumberValue(ul);
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, item);
                }

                writer.WriteEndObject();
                break;
            case IReadOnlyList<object?> list:
                writer.WriteStartArray();
                for (var index = 0; index < list.Count; index++)
                {
                    WriteValue(writer, list[index]);
                }

                writer.WriteEndArray();
                break;
            case IDictionary<string, object?> dictionary:
                writer.WriteStartObject();
                foreach (var (key, item) in dictionary)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, item);
                }

                writer.WriteEndObject();
                break;
            case DateTimeOffset dto:
                writer.WriteStringValue(dto.ToString("O", CultureInfo.InvariantCulture));
                break;
            case DateTime dt:
                writer.WriteStringValue(dt.ToString("O", CultureInfo.InvariantCulture));
                break;
            case Guid guid:
                writer.WriteStringValue(guid);
                break;
            case Enum e:
                writer.WriteStringValue(e.ToString());
                break;
            case JsonDocument document:
                document.RootElement.WriteTo(writer);
                break;
            case IEnumerable sequence:
                writer.WriteStartArray();
                foreach (var item in sequence)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value))
        {
            // JSON has no NaN/Infinity; JSON.stringify writes null too.
            writer.WriteNullValue();
        }
        else if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            // Integral doubles print like JavaScript numbers ("1", not "1.0").
            writer.WriteNumberValue((long)value);
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }
}
