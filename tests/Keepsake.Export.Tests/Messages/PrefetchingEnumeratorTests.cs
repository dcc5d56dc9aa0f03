using Keepsake.Export.Messages;

namespace Keepsake.Export.Tests.Messages;

public sealed class PrefetchingEnumeratorTests
{
    [Fact]
    public async Task MoveNextAsync_LargeSource_YieldsEveryItemInOrder()
    {
        var stream = PrefetchingEnumerator<string>.Start(_ => Enumerable.Range(0, 10_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), batchSize: 7, depth: 2);
        await using var dispose = stream.ConfigureAwait(false);
        var expected = 0;
        while (await stream.MoveNextAsync())
        {
            Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), stream.Current);
            expected++;
        }

        Assert.Equal(10_000, expected);
        Assert.False(await stream.MoveNextAsync());
    }

    [Fact]
    public async Task MoveNextAsync_SourceThrows_RethrowsAfterTheItemsBeforeIt()
    {
        static IEnumerable<string> Failing()
        {
            for (var i = 0; i < 100; i++)
            {
                yield return "item";
            }

            throw new InvalidDataException("row 101 is corrupt");
        }

        var stream = PrefetchingEnumerator<string>.Start(_ => Failing(), batchSize: 16, depth: 2);
        await using var dispose = stream.ConfigureAwait(false);
        var count = 0;
        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            while (await stream.MoveNextAsync())
            {
                count++;
            }
        });
        Assert.Equal(100, count);
        Assert.Equal("row 101 is corrupt", error.Message);
    }

    [Fact]
    public async Task DisposeAsync_ConsumerStopsEarly_StopsAndDisposesTheSourceOnItsThread()
    {
        var disposedOnProducer = false;
        var consumerThread = Environment.CurrentManagedThreadId;
        IEnumerable<string> Endless(CancellationToken token)
        {
            try
            {
                while (true)
                {
                    token.ThrowIfCancellationRequested();
                    yield return "item";
                }
            }
            finally
            {
                disposedOnProducer = Environment.CurrentManagedThreadId != consumerThread;
            }
        }

        var stream = PrefetchingEnumerator<string>.Start(Endless, batchSize: 4, depth: 2);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await stream.MoveNextAsync());
        }

        await stream.DisposeAsync(); // must return: the producer is blocked on a full channel or running
        Assert.True(disposedOnProducer);
    }

    [Fact]
    public async Task Start_SlowConsumer_ProducerStaysBoundedAhead()
    {
        var produced = 0;
        IEnumerable<string> Counting(CancellationToken token)
        {
            while (!token.IsCancellationRequested)
            {
                Interlocked.Increment(ref produced);
                yield return "item";
            }
        }

        var stream = PrefetchingEnumerator<string>.Start(Counting, batchSize: 10, depth: 3);
        await using var dispose = stream.ConfigureAwait(false);
        Assert.True(await stream.MoveNextAsync());
        await Task.Delay(300);
        // 3 batches queued, one being filled and one taken by the consumer, plus the item in hand.
        Assert.InRange(Volatile.Read(ref produced), 1, (10 * 5) + 1);
    }

    [Fact]
    public async Task MoveNextAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var cancel = new CancellationTokenSource();
        IEnumerable<string> Endless(CancellationToken token)
        {
            while (true)
            {
                token.ThrowIfCancellationRequested();
                yield return "item";
            }
        }

        var stream = PrefetchingEnumerator<string>.Start(Endless, batchSize: 4, depth: 2, cancellationToken: cancel.Token);
        await using var dispose = stream.ConfigureAwait(false);
        Assert.True(await stream.MoveNextAsync());
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (await stream.MoveNextAsync())
            {
            }
        });
    }
}
