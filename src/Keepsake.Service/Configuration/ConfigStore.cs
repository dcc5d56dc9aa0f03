namespace Keepsake.Service.Configuration;

/// <summary>The configuration in force: loaded and validated at start (a bad file stops the start), replaced by <c>PUT /api/v1/config</c>.</summary>
public sealed class ConfigStore
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConfigStore(string? path)
    {
        Path = path;
        Current = path is null ? ServiceConfig.Default : ServiceConfigFile.Load(path);
    }

    /// <summary>The file, or null when the service runs on the defaults only.</summary>
    public string? Path { get; }

    public ServiceConfig Current { get; private set; }

    /// <summary>Validates <paramref name="json"/>, writes it to the file and puts it in force.</summary>
    public ServiceConfig Replace(ReadOnlySpan<byte> json)
    {
        var config = Path is null ? ServiceConfigFile.Parse(json, "config") : ServiceConfigFile.Save(Path, json);
        lock (_gate)
        {
            Current = config;
            var previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            previous.TrySetResult();
        }

        return config;
    }

    /// <summary>Completes when the configuration is next replaced.</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _changed.Task.WaitAsync(cancellationToken);
        }
    }
}
