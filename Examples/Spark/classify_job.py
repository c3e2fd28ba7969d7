"""Classify every line of a text file with `criba classify` on Spark.

    spark-submit --master local[2] \
        --files .build/release/criba,Models/default.criba \
        Examples/Spark/classify_job.py INPUT OUTPUT_DIR [PARTITIONS]

INPUT is read with one message per line (a file, a folder or a glob, as `textFile` takes).
OUTPUT_DIR receives part files of TSV lines, `label<TAB>probability<TAB>message`, in the order
of the input (concatenate the part files in name order); an empty message gives an empty label
and probability. The binary and the model travel with the job (`--files`): each executor pipes
its partition through `criba classify`, which answers one line per line, so answers and
messages pair up by position.
"""

import os
import sys

from pyspark import SparkContext, SparkFiles


def main() -> None:
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: classify_job.py INPUT OUTPUT_DIR [PARTITIONS]")
    source, target = sys.argv[1], sys.argv[2]
    sc = SparkContext(appName="criba-classify")
    partitions = int(sys.argv[3]) if len(sys.argv) == 4 else sc.defaultParallelism
    # In local mode the executors share the driver's SparkFiles directory; on a cluster
    # (YARN, Kubernetes, standalone) `--files` lands in each executor's working directory.
    if sc.master.startswith("local"):
        criba, model = SparkFiles.get("criba"), SparkFiles.get("default.criba")
        os.chmod(criba, 0o755)
    else:
        criba, model = "./criba", "default.criba"
    messages = sc.textFile(source, minPartitions=partitions)
    answers = messages.pipe(f"{criba} classify --model {model}", env={"LC_ALL": "C.UTF-8"})
    # pipe keeps each partition's line count and order, so zip pairs every message with its answer.
    lines = messages.zip(answers).map(lambda pair: (pair[1] or "\t") + "\t" + pair[0])
    lines.saveAsTextFile(target)
    sc.stop()


if __name__ == "__main__":
    main()
