using Npgsql;

namespace CrowNest.Server.Hosting;

/// <summary>
/// Keeps an in-memory cache in step with PostgreSQL on every instance: LISTENs on one channel and hands each
/// notification's payload to <see cref="OnNotification"/>. On every (re)connect and after a lost connection
/// <see cref="OnReset"/> drops everything, because notifications sent while nobody listened are gone. Reconnects with
/// backoff (200 ms, doubling up to 10 s).
/// </summary>
public abstract partial class NotifyListener(NpgsqlDataSource dataSource, string channel, ILogger logger) : BackgroundService
{
    /// <summary>One notification on the channel (called on Npgsql's thread: keep it short).</summary>
    protected abstract void OnNotification(string payload);

    /// <summary>Everything may have changed: forget it all.</summary>
    protected abstract void OnReset();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                OnReset();
                delay = TimeSpan.FromMilliseconds(200);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                LogListenerLost(logger, channel, e.Message);
                OnReset();
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "LISTEN {Channel} lost its connection ({Reason}); reconnecting")]
    private static partial void LogListenerLost(ILogger logger, string channel, string reason);
}
