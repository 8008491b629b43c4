using System;

namespace FocalLoss.Runtime
{
    /// <summary>Turns a failing native status and the thread-local last error into a .NET exception.</summary>
    internal static class NativeErrors
    {
        /// <summary>
        /// Builds the exception for <paramref name="status"/>; must run on the thread that made the failing call
        /// (the native last error is thread-local).
        /// </summary>
        internal static Exception Translate(int status, string function)
        {
            string message = NativeMethods.ReadString(NativeMethods.fl_last_error());
            string param = NativeMethods.ReadString(NativeMethods.fl_last_error_param());
            if (message.Length == 0)
            {
                message = $"{function} failed with status {status} and no message.";
            }

            switch (status)
            {
                case NativeMethods.StatusArgumentError:
                    return new ArgumentException(message, param.Length == 0 ? null : param);
                case NativeMethods.StatusRuntimeError:
                    return new InvalidOperationException(message);
                default:
                    return new InvalidOperationException($"{function} returned unknown status {status}: {message}");
            }
        }
    }
}
