namespace QuantumLM.Quantum.OpenQasm;

/// <summary>A parsed real-valued expression; gate-definition parameters are referenced by index.</summary>
internal abstract class QasmExpression
{
    public abstract double Evaluate(ReadOnlySpan<double> parameters);

    public sealed class Constant(double value) : QasmExpression
    {
        public double Value { get; } = value;

        public override double Evaluate(ReadOnlySpan<double> parameters) => Value;
    }

    public sealed class Parameter(int index) : QasmExpression
    {
        public override double Evaluate(ReadOnlySpan<double> parameters) => parameters[index];
    }

    public sealed class Unary(char op, QasmExpression operand) : QasmExpression
    {
        public override double Evaluate(ReadOnlySpan<double> parameters) => op == '-' ? -operand.Evaluate(parameters) : operand.Evaluate(parameters);
    }

    public sealed class Binary(string op, QasmExpression left, QasmExpression right) : QasmExpression
    {
        public override double Evaluate(ReadOnlySpan<double> parameters)
        {
            double a = left.Evaluate(parameters), b = right.Evaluate(parameters);
            return op switch
            {
                "+" => a + b,
                "-" => a - b,
                "*" => a * b,
                "/" => a / b,
                "%" => a % b,
                _ => Math.Pow(a, b),
            };
        }
    }

    public sealed class Call(string function, QasmExpression argument) : QasmExpression
    {
        public override double Evaluate(ReadOnlySpan<double> parameters)
        {
            double x = argument.Evaluate(parameters);
            return function switch
            {
                "sin" => Math.Sin(x),
                "cos" => Math.Cos(x),
                "tan" => Math.Tan(x),
                "exp" => Math.Exp(x),
                "ln" or "log" => Math.Log(x),
                "sqrt" => Math.Sqrt(x),
                "asin" or "arcsin" => Math.Asin(x),
                "acos" or "arccos" => Math.Acos(x),
                "atan" or "arctan" => Math.Atan(x),
                _ => throw new InvalidOperationException(function),
            };
        }
    }
}
